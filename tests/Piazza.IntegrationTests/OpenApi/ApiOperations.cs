using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Piazza.IntegrationTests.OpenApi;

/// <summary>One operation of /api/openapi.json, read as JSON (the document the server serves, not the server's objects).</summary>
public sealed record ApiOperation(string Path, string Method, JsonObject Node)
{
    public string Id => Node["operationId"]?.GetValue<string>() ?? "";

    public bool NeedsBearer => Node["security"] is JsonArray { Count: > 0 };

    public bool IsHead => Method == "HEAD";

    public IEnumerable<JsonObject> Parameters => (Node["parameters"] as JsonArray ?? []).OfType<JsonObject>();

    /// <summary>The request body's media types, if it takes one.</summary>
    public IReadOnlyList<string> BodyTypes => Node["requestBody"]?["content"] is JsonObject content ? [.. content.Select(p => p.Key)] : [];

    public IReadOnlySet<int> Statuses => Node["responses"] is JsonObject responses
        ? responses.Select(r => int.Parse(r.Key, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet()
        : new HashSet<int>();

    public override string ToString() => $"{Method} {Path} ({Id})";

    /// <summary>The path with each <c>{param}</c> filled in.</summary>
    public string Fill(Func<string, string> value)
        => System.Text.RegularExpressions.Regex.Replace(Path, "\\{([^}]+)\\}", m => Uri.EscapeDataString(Fitted(m.Groups[1].Value, value(m.Groups[1].Value))));

    /// <summary>A value padded to the parameter's documented minLength (a route constraint such as length(16)), so routing still matches it.</summary>
    private string Fitted(string name, string text)
    {
        var schema = Parameters.FirstOrDefault(p => p["name"]?.GetValue<string>() == name)?["schema"];
        return schema?["minLength"]?.GetValue<int>() is { } min && text.Length < min ? text.PadRight(min, '0') : text;
    }

    /// <summary>A request with the documented required headers at their example values, and a well-formed body when it takes one.</summary>
    public HttpRequestMessage WellFormedRequest(string path, string? token)
    {
        var request = new HttpRequestMessage(new HttpMethod(Method), path);
        foreach (var parameter in Parameters.Where(p => p["in"]?.GetValue<string>() == "header" && p["required"]?.GetValue<bool>() == true))
        {
            request.Headers.TryAddWithoutValidation(parameter["name"]!.GetValue<string>(), ExampleOf(parameter));
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (BodyTypes.Count > 0)
        {
            var json = BodyTypes.Contains("application/json");
            request.Content = new ByteArrayContent(json ? "{}"u8.ToArray() : []);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(json ? "application/json" : BodyTypes[0]);
        }

        return request;
    }

    public static string ExampleOf(JsonObject parameter)
    {
        var schema = parameter["schema"];
        return schema?["examples"] is JsonArray { Count: > 0 } examples ? examples[0]!.ToString()
            : schema?["enum"] is JsonArray { Count: > 0 } allowed ? allowed[0]!.ToString()
            : "1";
    }

    public static bool IsInteger(JsonObject parameter)
        => parameter["schema"]?["type"] switch
        {
            JsonValue single => single.GetValue<string>() == "integer",
            JsonArray many => many.Any(t => t?.GetValue<string>() == "integer"),
            _ => false,
        };

    /// <summary>Every operation of the document, in document order.</summary>
    public static IReadOnlyList<ApiOperation> All(JsonNode document)
        => [.. document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Where(op => op.Key is "get" or "put" or "post" or "delete" or "options" or "head" or "patch" or "trace")
            .Select(op => new ApiOperation(path.Key, op.Key.ToUpperInvariant(), op.Value!.AsObject())))];
}
