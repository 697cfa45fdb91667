using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Server.Doors.Http;

namespace Piazza.IntegrationTests.OpenApi;

/// <summary>
/// /api/openapi.json from a real server: valid by an independent validator (npm @apidevtools/swagger-parser, as an
/// integrator would run it), complete (every /api route the app maps is in it), and consistent (names, tags, the
/// JSON error shape on every error response, the bearer scheme where 401 is documented).
/// </summary>
public sealed class OpenApiDocumentTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _http = new HttpClient { BaseAddress = _server.HttpBase };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private async Task<(string Text, JsonNode Document)> FetchAsync()
    {
        using var response = await _http.GetAsync(new Uri(ApiDocument.Path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        return (text, JsonNode.Parse(text)!);
    }

    [Fact]
    public async Task The_document_is_valid_and_dereferences_by_swagger_parser()
    {
        var (text, _) = await FetchAsync();
        var folder = Directory.CreateTempSubdirectory("piazza-openapi-");
        try
        {
            var documentPath = Path.Combine(folder.FullName, "openapi.json");
            var scriptPath = Path.Combine(folder.FullName, "validate.cjs");
            await File.WriteAllTextAsync(documentPath, text);
            await File.WriteAllTextAsync(scriptPath, ValidatorScript);
            var (exit, output) = await NodeAsync(scriptPath, NodeModules(), documentPath);
            Assert.True(exit == 0, $"swagger-parser refused /api/openapi.json:\n{output}");
            Assert.Contains("valid", output, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_validator_refuses_a_broken_document()
    {
        // The check above can fail: the same script on a document with a dangling reference exits non-zero.
        var (_, document) = await FetchAsync();
        document["paths"]!["/api/me"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/Nowhere" };
        var folder = Directory.CreateTempSubdirectory("piazza-openapi-");
        try
        {
            var documentPath = Path.Combine(folder.FullName, "openapi.json");
            var scriptPath = Path.Combine(folder.FullName, "validate.cjs");
            await File.WriteAllTextAsync(documentPath, document.ToJsonString());
            await File.WriteAllTextAsync(scriptPath, ValidatorScript);
            var (exit, _) = await NodeAsync(scriptPath, NodeModules(), documentPath);
            Assert.NotEqual(0, exit);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Every_api_route_the_app_maps_is_an_operation_of_the_document()
    {
        var (_, document) = await FetchAsync();
        var documented = ApiOperation.All(document).Select(op => (op.Path, op.Method)).ToHashSet();
        var mapped = _server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => (e.RoutePattern.RawText ?? "").StartsWith(ApiErrorPages.Prefix, StringComparison.OrdinalIgnoreCase))
            .ToList();
        Assert.NotEmpty(mapped);
        var missing = new List<string>();
        foreach (var endpoint in mapped)
        {
            var path = "/" + string.Join('/', endpoint.RoutePattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(PartText))));
            if (path == ApiDocument.Path)
            {
                continue;
            }

            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
            if (methods is not { Count: > 0 })
            {
                missing.Add($"{path} answers every method: map it with its methods ({endpoint.DisplayName})");
                continue;
            }

            missing.AddRange(methods.Where(m => !documented.Contains((path, m))).Select(m => $"{m} {path} ({endpoint.DisplayName}): give it WithName, WithSummary, WithTags, Produces"));
        }

        Assert.True(missing.Count == 0, "routes missing from /api/openapi.json:\n" + string.Join('\n', missing));
        Assert.Contains(("/api/rooms/{room}/messages", "POST"), documented);
        Assert.Contains(("/api/uploads/{uploadId}", "PATCH"), documented);
    }

    [Fact]
    public async Task Every_operation_is_named_summarised_tagged_and_answers_errors_in_the_json_shape()
    {
        var (_, document) = await FetchAsync();
        Assert.Equal("Piazza HTTP API", document["info"]!["title"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(document["info"]!["version"]!.GetValue<string>()));
        Assert.Equal("http", document["components"]!["securitySchemes"]![ApiDocument.BearerScheme]!["type"]!.GetValue<string>());
        Assert.Equal("bearer", document["components"]!["securitySchemes"]![ApiDocument.BearerScheme]!["scheme"]!.GetValue<string>());
        var error = document["components"]!["schemas"]!["ErrorResponse"]!;
        Assert.Equal(["code", "message"], error["required"]!.AsArray().Select(n => n!.GetValue<string>()).Order(StringComparer.Ordinal));

        var operations = ApiOperation.All(document);
        Assert.True(operations.Count >= 28, $"only {operations.Count} operations");
        var problems = new List<string>();
        foreach (var (id, count) in operations.GroupBy(op => op.Id).Where(g => g.Count() > 1).Select(g => (g.Key, g.Count())))
        {
            problems.Add($"operationId '{id}' is used {count} times");
        }

        foreach (var op in operations)
        {
            if (op.Id.Length == 0 || op.Node["summary"] is null || op.Node["tags"] is not JsonArray { Count: > 0 })
            {
                problems.Add($"{op}: needs WithName, WithSummary and WithTags");
            }

            if (!op.Statuses.Any(s => s < 400))
            {
                problems.Add($"{op}: documents no success response (Produces)");
            }

            if (op.NeedsBearer && !op.Statuses.Contains(401))
            {
                problems.Add($"{op}: needs a token but documents no 401");
            }

            foreach (var status in op.Statuses.Where(s => s >= 400 && !op.IsHead))
            {
                var reference = op.Node["responses"]![status.ToString(System.Globalization.CultureInfo.InvariantCulture)]!["content"]?["application/json"]?["schema"]?["$ref"]?.GetValue<string>();
                if (reference != "#/components/schemas/ErrorResponse")
                {
                    problems.Add($"{op}: {status} is not the ErrorResponse shape (Produces<ErrorResponse>({status}))");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.False(operations.Single(op => op.Id == "login").NeedsBearer);
        Assert.True(operations.Single(op => op.Id == "sendRoomMessage").NeedsBearer);
        Assert.False(operations.Single(op => op.Id == "tusOptions").NeedsBearer);
    }

    [Fact]
    public async Task The_document_is_served_without_a_token_and_names_nothing_of_this_server()
    {
        await _http.PostAsync(new Uri("/api/register", UriKind.Relative), new StringContent("""{"user":"secretive","password":"password-secretive"}""", System.Text.Encoding.UTF8, "application/json"));
        var (text, document) = await FetchAsync();
        Assert.Null(document["servers"] is JsonArray { Count: > 0 } ? document["servers"] : null);
        Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
        Assert.DoesNotContain($":{_server.HttpEndPoint!.Port}", text, StringComparison.Ordinal);
        Assert.DoesNotContain(_server.DataDirectory, text, StringComparison.Ordinal);
        Assert.DoesNotContain("secretive", text, StringComparison.Ordinal);
        Assert.DoesNotContain("lobby", text, StringComparison.Ordinal);
    }

    private static string PartText(Microsoft.AspNetCore.Routing.Patterns.RoutePatternPart part) => part switch
    {
        Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
        Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart parameter => $"{{{parameter.Name}}}",
        Microsoft.AspNetCore.Routing.Patterns.RoutePatternSeparatorPart separator => separator.Content,
        _ => "",
    };

    /// <summary>tests/node/node_modules (test.sh runs <c>npm ci</c> there).</summary>
    internal static string NodeModules()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Piazza.slnx")))
        {
            folder = folder.Parent;
        }

        Assert.NotNull(folder);
        var modules = Path.Combine(folder.FullName, "tests", "node", "node_modules");
        Assert.True(Directory.Exists(Path.Combine(modules, "@apidevtools", "swagger-parser")), $"run `npm ci` in {Path.GetDirectoryName(modules)} first");
        return modules;
    }

    private static async Task<(int Exit, string Output)> NodeAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await errors);
    }

    /// <summary>
    /// Validates (schema and semantics: OpenAPI 3.1, unique operation ids, path parameters declared), dereferences
    /// every <c>$ref</c>, and fails on what the validator only tolerates: a reference left unresolved, an operation
    /// without responses.
    /// </summary>
    private const string ValidatorScript = """
        const path = require('node:path');
        const SwaggerParser = require(path.join(process.argv[2], '@apidevtools', 'swagger-parser'));
        (async () => {
          const file = process.argv[3];
          await SwaggerParser.validate(file);
          const api = await SwaggerParser.dereference(file);
          const seen = new Set();
          const problems = [];
          const walk = (node, where) => {
            if (node === null || typeof node !== 'object' || seen.has(node)) return;
            seen.add(node);
            if (typeof node.$ref === 'string') problems.push(`unresolved ${node.$ref} at ${where}`);
            for (const [key, value] of Object.entries(node)) walk(value, `${where}/${key}`);
          };
          walk(api, '#');
          for (const [p, item] of Object.entries(api.paths ?? {})) {
            for (const [method, op] of Object.entries(item)) {
              if (!op || typeof op !== 'object' || method === 'parameters') continue;
              if (!op.responses || Object.keys(op.responses).length === 0) problems.push(`${method} ${p} has no responses`);
            }
          }
          if (problems.length > 0) {
            console.error(problems.join('\n'));
            process.exit(2);
          }
          console.log(`valid: OpenAPI ${api.openapi}, ${Object.keys(api.paths).length} paths`);
        })().catch(error => {
          console.error(error && error.message ? error.message : String(error));
          process.exit(1);
        });
        """;
}
