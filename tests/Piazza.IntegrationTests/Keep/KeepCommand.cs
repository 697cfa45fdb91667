using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests.Keep;

/// <summary><c>piazza-server backup|restore|export …</c> run as the real executable, as an operator runs them.</summary>
internal static class KeepCommand
{
    public static async Task<(int Code, string Output, string Errors)> RunAsync(params string[] args)
    {
        var info = ServerProcess.DescribeCommand(args);
        info.Environment.Remove("PIAZZA_POSTGRES");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Close();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(180));
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>A room's whole history through the REST API, page after page (as a client reads it).</summary>
    public static async Task<List<JsonObject>> RestHistoryAsync(HttpClient http, string token, string room)
    {
        var messages = new List<JsonObject>();
        for (var after = 0L; ;)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/rooms/{room}/messages?after={after}&limit=500");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
            Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
            var page = body["messages"]!.AsArray().Select(m => m!.AsObject()).ToList();
            if (page.Count == 0)
            {
                return messages;
            }

            messages.AddRange(page);
            after = page[^1]["seq"]!.GetValue<long>();
        }
    }

    public static string TempFolder(string prefix) => Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");

    public static void DeleteFolder(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }
}
