using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Piazza.Core.Storage;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Security;

/// <summary>Issue 11, hygiene, on the REST door and in <c>piazza-server admin audit</c>.</summary>
public sealed class TextHygieneHttpTests
{
    [Fact]
    public async Task Rest_send_id_of_60000_characters_is_refused_as_bad_request_and_not_stored()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient();
        var registered = await http.PostAsJsonAsync("/api/register", new { user = "poster", password = Password });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var token = JsonNode.Parse(await registered.Content.ReadAsStringAsync())!["token"]!.GetValue<string>();

        async Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(string text, string id)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/rooms/lobby/messages") { Content = JsonContent.Create(new { text, id }) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, body.Length == 0 ? null : JsonNode.Parse(body));
        }

        var (status, refused) = await PostAsync("with a huge id", new string('x', 60_000));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("bad_request", refused?["code"]?.GetValue<string>());

        var (okStatus, ok) = await PostAsync("marker", new string('i', 64));
        Assert.Equal(HttpStatusCode.Created, okStatus);
        Assert.Equal(1, ok!["seq"]!.GetValue<long>()); // nothing was stored before it
    }

    [Theory]
    [InlineData("server_")]
    [InlineData("server.")]
    public async Task Rest_register_of_a_reserved_name_with_a_separator_is_refused_as_bad_name(string name)
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient();
        using var response = await http.PostAsJsonAsync("/api/register", new { user = name, password = Password });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("bad_name", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Admin_audit_escapes_control_characters_stored_before_reasons_were_checked()
    {
        var server = await TestServer.StartAsync();
        var data = server.DataDirectory;
        try
        {
            // As an older server stored it: a reason with a line break that forges an entry, and terminal escapes.
            var store = server.Services.GetRequiredService<IChatStore>();
            await store.AppendAuditAsync(new AuditRecord(0, DateTimeOffset.UtcNow, "mallory", "kick", "bob\u001B[2J", "den", "spam\r\n2026-01-01T00:00:00Z  operator ban alice  forged\u001B]0;owned\u0007\u009B31m", null));
            await server.StopKeepingDataAsync();

            var info = ServerProcess.DescribeCommand(["admin", "audit", "--data", data]);
            using var process = Process.Start(info)!;
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
            var output = await stdout;
            Assert.True(process.ExitCode == 0, output + await stderr);

            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var line = Assert.Single(lines, l => l.Contains("mallory", StringComparison.Ordinal));
            Assert.DoesNotContain(lines, l => l.Contains("forged", StringComparison.Ordinal) && !l.Contains("mallory", StringComparison.Ordinal));
            Assert.DoesNotContain(output.TrimEnd('\n'), c => char.IsControl(c) && c != '\n');
            Assert.Contains(@"bob\u001B[2J", line, StringComparison.Ordinal);
            Assert.Contains(@"reason: spam\r\n2026-01-01T00:00:00Z  operator ban alice  forged\u001B]0;owned\u0007\u009B31m", line, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
