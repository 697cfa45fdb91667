using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Protocol;
using Piazza.Server.Doors.Http;

namespace Piazza.IntegrationTests.OpenApi;

/// <summary>
/// Walks every operation of /api/openapi.json with bad input, as a careless client would send it: no token, a
/// malformed integer parameter, a malformed JSON body, a wrong content type, a method the path does not take. Each
/// answer must be a status the operation documents (405 aside), in the one JSON error shape, with a code whose
/// status in <see cref="HttpErrors"/> is the one answered. Routes added later are walked once they are documented
/// (and <see cref="OpenApiDocumentTests"/> fails any /api route that is not).
/// </summary>
public sealed class OpenApiWalkTests : IAsyncLifetime
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    private TestServer _server = null!;
    private HttpClient _http = null!;
    private IReadOnlyList<ApiOperation> _operations = [];
    private string _token = "";
    private readonly List<string> _problems = [];
    private int _probes;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _http = new HttpClient { BaseAddress = _server.HttpBase };
        var document = JsonNode.Parse(await _http.GetStringAsync(new Uri(ApiDocument.Path, UriKind.Relative)))!;
        _operations = ApiOperation.All(document);
        var registered = await _http.PostAsJsonAsync("/api/register", new { user = "walker", password = "password-walker" });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        _token = JsonNode.Parse(await registered.Content.ReadAsStringAsync())!["token"]!.GetValue<string>();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Without_a_token_every_operation_that_needs_one_answers_401_with_the_bearer_challenge()
    {
        var walked = 0;
        foreach (var op in _operations.Where(op => op.NeedsBearer))
        {
            using var response = await _http.SendAsync(op.WellFormedRequest(op.Fill(_ => "walk"), token: null));
            await CheckAsync(op, "no token", response, expected: [401]);
            if (!response.Headers.WwwAuthenticate.Any(h => h.Scheme == "Bearer"))
            {
                _problems.Add($"{op}, no token: 401 without WWW-Authenticate: Bearer");
            }

            walked++;
        }

        Assert.True(walked >= 24, $"only {walked} operations need a token");
        AssertNoProblems();
    }

    [Fact]
    public async Task A_malformed_integer_parameter_or_a_missing_required_one_is_400_in_the_json_shape()
    {
        var walked = 0;
        foreach (var op in _operations)
        {
            foreach (var parameter in op.Parameters.Where(p => p["in"]?.GetValue<string>() is "query" or "path"))
            {
                var name = parameter["name"]!.GetValue<string>();
                var inPath = parameter["in"]!.GetValue<string>() == "path";
                var required = parameter["required"]?.GetValue<bool>() == true;
                if (ApiOperation.IsInteger(parameter))
                {
                    var path = op.Fill(p => p == name ? "not-a-number" : "walk") + (inPath ? "" : $"?{name}=not-a-number");
                    using var response = await _http.SendAsync(op.WellFormedRequest(path, _token));
                    await CheckAsync(op, $"{name}=not-a-number", response, expected: [400]);
                    var said = JsonNode.Parse(await response.Content.ReadAsStringAsync())?["message"]?.GetValue<string>() ?? "";
                    if (!said.Contains($"\"{name}\"", StringComparison.Ordinal) || said.Contains("not-a-number", StringComparison.Ordinal))
                    {
                        _problems.Add($"{op}, {name}=not-a-number: the message should name the parameter, not echo the value: {said}");
                    }

                    walked++;
                }
                else if (required && !inPath)
                {
                    using var response = await _http.SendAsync(op.WellFormedRequest(op.Fill(_ => "walk"), _token));
                    await CheckAsync(op, $"without {name}", response, expected: [400]);
                    walked++;
                }
            }
        }

        Assert.True(walked >= 7, $"only {walked} parameters walked");
        AssertNoProblems();
    }

    [Fact]
    public async Task A_malformed_json_body_is_refused_in_the_json_shape()
    {
        var walked = 0;
        foreach (var op in _operations.Where(op => op.BodyTypes.Contains("application/json")))
        {
            foreach (var body in new[] { "{\"text\":", "[1,2", "\"a string\"", "{\"a\":1,\"a\":2}" })
            {
                using var request = op.WellFormedRequest(op.Fill(_ => "walk"), _token);
                request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
                using var response = await _http.SendAsync(request);

                // The body is read once the session is open; an operation may find its resource missing first.
                await CheckAsync(op, $"body {body}", response, expected: [400, 403, 404]);
            }

            walked++;
        }

        Assert.True(walked >= 6, $"only {walked} operations take JSON");
        AssertNoProblems();
    }

    [Fact]
    public async Task A_body_in_another_content_type_is_415_in_the_json_shape()
    {
        var walked = 0;
        foreach (var op in _operations.Where(op => op.BodyTypes.Count > 0))
        {
            // Only types the operation does not document (an incoming webhook takes Slack's form posts too).
            foreach (var type in new[] { "text/plain", "application/x-www-form-urlencoded" }.Where(t => !op.BodyTypes.Contains(t)))
            {
                using var request = op.WellFormedRequest(op.Fill(_ => "walk"), _token);
                request.Content = new StringContent("text=hi", System.Text.Encoding.UTF8);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue(type);
                using var response = await _http.SendAsync(request);
                await CheckAsync(op, $"Content-Type: {type}", response, expected: [415]);
            }

            walked++;
        }

        Assert.True(walked >= 7, $"only {walked} operations take a body");
        AssertNoProblems();
    }

    [Fact]
    public async Task A_method_a_path_does_not_take_is_405_with_allow_in_the_json_shape()
    {
        var walked = 0;
        foreach (var path in _operations.GroupBy(op => op.Path))
        {
            var documented = path.Select(op => op.Method).ToHashSet();
            foreach (var method in Methods.Where(m => !documented.Contains(m)))
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path.First().Fill(_ => "walk"));
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
                using var response = await _http.SendAsync(request);
                var what = $"{method} {path.Key}";
                await CheckShapeAsync(what, response, 405);
                var allowed = response.Content.Headers.Allow.Select(m => m.ToUpperInvariant()).ToHashSet();
                if (!allowed.SetEquals(documented))
                {
                    _problems.Add($"{what}: Allow is [{string.Join(", ", allowed)}], the document has [{string.Join(", ", documented)}]");
                }

                walked++;
            }
        }

        Assert.True(walked >= 40, $"only {walked} wrong methods walked");
        AssertNoProblems();
    }

    [Fact]
    public async Task A_path_no_operation_has_is_404_not_found_in_the_json_shape()
    {
        foreach (var path in new[] { "/api/nothing-here", "/api/rooms/lobby/messages/extra", "/api/", "/API/ME/too" })
        {
            foreach (var method in Methods)
            {
                using var response = await _http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
                await CheckShapeAsync($"{method} {path}", response, 404);
            }
        }

        AssertNoProblems();
    }

    /// <summary>The answer's status is one of <paramref name="expected"/> and documented for the operation, in the JSON shape.</summary>
    private async Task CheckAsync(ApiOperation op, string probe, HttpResponseMessage response, int[] expected)
    {
        var status = (int)response.StatusCode;
        if (!expected.Contains(status))
        {
            _problems.Add($"{op}, {probe}: {status}, expected {string.Join(" or ", expected)}");
        }

        if (!op.Statuses.Contains(status))
        {
            _problems.Add($"{op}, {probe}: {status} is not among its documented responses [{string.Join(", ", op.Statuses.Order())}]");
        }

        if (!op.IsHead)
        {
            await CheckShapeAsync($"{op}, {probe}", response, status);
        }
    }

    private async Task CheckShapeAsync(string what, HttpResponseMessage response, int expected)
    {
        _probes++;
        var status = (int)response.StatusCode;
        if (status != expected)
        {
            _problems.Add($"{what}: {status}, expected {expected}");
        }

        var text = await response.Content.ReadAsStringAsync();
        if (response.Content.Headers.ContentType?.MediaType != "application/json")
        {
            _problems.Add($"{what}: {status} with Content-Type '{response.Content.Headers.ContentType}' and body '{text}'");
            return;
        }

        var body = JsonNode.Parse(text) as JsonObject;
        if (body?["code"] is not JsonValue code || code.GetValueKind() != System.Text.Json.JsonValueKind.String
            || body["message"] is not JsonValue message || message.GetValueKind() != System.Text.Json.JsonValueKind.String)
        {
            _problems.Add($"{what}: {status} body is not {{code, message}}: {text}");
            return;
        }

        if (!WireNames.TryParse(code.GetValue<string>(), out ErrorCode parsed))
        {
            _problems.Add($"{what}: code '{code}' is not an error code");
        }
        else if (HttpErrors.StatusOf(parsed) != status)
        {
            _problems.Add($"{what}: code '{code}' answered {status}; HttpErrors gives it {HttpErrors.StatusOf(parsed)}");
        }
    }

    private void AssertNoProblems()
    {
        Assert.True(_probes > 0, "nothing was walked");
        Assert.True(_problems.Count == 0, $"{_problems.Count} of {_probes} answers are wrong:\n" + string.Join('\n', _problems));
    }
}
