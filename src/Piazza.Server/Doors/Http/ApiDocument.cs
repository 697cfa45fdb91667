using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Piazza.Protocol;

namespace Piazza.Server.Doors.Http;

/// <summary>
/// The OpenAPI document of the REST API at <c>/api/openapi.json</c>, built by Microsoft.AspNetCore.OpenApi from each
/// route's metadata (<c>WithName</c>, <c>WithSummary</c>, <c>WithTags</c>, <c>Accepts</c>, <c>Produces</c>). Said once
/// here for every operation: the error responses' descriptions and headers (from <see cref="HttpErrors"/>), the
/// responses no handler can avoid (a JSON body's 400/413/415; 429, 500 and 503 anywhere), and the bearer requirement of an
/// operation that documents 401 and is not <c>AllowAnonymous</c>. Served to anyone: it holds no server state.
/// </summary>
public static class ApiDocument
{
    public const string Path = "/api/openapi.json";

    /// <summary>The security scheme's name in the document.</summary>
    public const string BearerScheme = "bearer";

    private const string Json = "application/json";

    public static void AddServices(IServiceCollection services) => services.AddOpenApi(options =>
    {
        options.ShouldInclude = description => description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Piazza HTTP API",
                Version = ServerInfo.Version,
                Description = "The REST API of a Piazza chat server (docs/http-api.md). Every error is JSON "
                    + "`{\"code\":\"…\",\"message\":\"…\"}` (plus `retryAfter` seconds when throttled); a method a path does not take "
                    + "answers 405 `method_not_allowed` with `Allow`; a path no operation has answers 404 `not_found`.",
            };
            document.Servers = [];
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "A token from POST /api/login or /api/register, or a protocol welcome: Authorization: Bearer <token>.",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            Complete(operation, context);
            return Task.CompletedTask;
        });
        options.AddSchemaTransformer((schema, context, _) =>
        {
            OptionalWhenNull(schema, context.JsonTypeInfo);
            if (context.JsonTypeInfo.Type == typeof(ErrorResponse) && schema.Properties?.TryGetValue("code", out var code) == true && code is OpenApiSchema codeSchema)
            {
                codeSchema.Enum = [.. WireNames.AllErrorCodes.Select(name => (JsonNode)JsonValue.Create(name))];
            }

            return Task.CompletedTask;
        });
    });

    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapOpenApi(Path).AllowAnonymous().WithName("openApiDocument");
    }

    /// <summary>The wire codes <see cref="HttpErrors"/> answers with <paramref name="status"/>: the one table, read, never copied.</summary>
    public static IReadOnlyList<string> CodesOf(int status)
        => [.. Enum.GetValues<ErrorCode>().Where(code => HttpErrors.StatusOf(code) == status).Select(code => code.ToWire())];

    /// <summary>
    /// The API's JSON contexts leave out null properties (<c>WhenWritingNull</c>), so a nullable property is optional
    /// however the record's constructor names it; the schema says so, and a client may omit them in requests too.
    /// </summary>
    private static void OptionalWhenNull(OpenApiSchema schema, System.Text.Json.Serialization.Metadata.JsonTypeInfo typeInfo)
    {
        if (schema.Required is not { Count: > 0 } required || typeInfo.Kind != System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Object)
        {
            return;
        }

        foreach (var property in typeInfo.Properties)
        {
            if (Nullable.GetUnderlyingType(property.PropertyType) is not null || (!property.PropertyType.IsValueType && property.IsGetNullable))
            {
                required.Remove(property.Name);
            }
        }
    }

    private static void Complete(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        operation.Responses ??= [];
        var head = HttpMethods.IsHead(context.Description.HttpMethod ?? "");
        if (operation.RequestBody?.Content?.ContainsKey(Json) == true)
        {
            // ReadBodyAsync's refusals, and routing's for another content type.
            AddError(operation, context, StatusCodes.Status400BadRequest, head);
            AddError(operation, context, StatusCodes.Status413PayloadTooLarge, head);
            AddError(operation, context, StatusCodes.Status415UnsupportedMediaType, head);
        }

        // The request-rate limiter stands before every /api endpoint (Limits/HttpRequestLimiter).
        AddError(operation, context, StatusCodes.Status429TooManyRequests, head);
        AddError(operation, context, StatusCodes.Status500InternalServerError, head);
        AddError(operation, context, StatusCodes.Status503ServiceUnavailable, head);
        foreach (var (key, value) in operation.Responses)
        {
            if (int.TryParse(key, out var status) && status >= 400 && value is OpenApiResponse response)
            {
                Describe(response, status);
            }
        }

        var anonymous = context.Description.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any();
        if (!anonymous && operation.Responses.ContainsKey("401"))
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }];
        }
    }

    private static void AddError(OpenApiOperation operation, OpenApiOperationTransformerContext context, int status, bool head)
    {
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation.Responses!.ContainsKey(key))
        {
            return;
        }

        var response = new OpenApiResponse { Description = "" };
        if (!head)
        {
            response.Content = new Dictionary<string, OpenApiMediaType> { [Json] = new() { Schema = new OpenApiSchemaReference(nameof(ErrorResponse), context.Document) } };
        }

        operation.Responses[key] = response;
    }

    private static void Describe(OpenApiResponse response, int status)
    {
        var codes = CodesOf(status);
        var phrase = ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } p ? p : "Error";
        response.Description = codes.Count == 0 ? phrase : $"{phrase}: `code` is one of {string.Join(", ", codes.Select(c => $"`{c}`"))}.";
        if (status == StatusCodes.Status401Unauthorized)
        {
            AddHeader(response, "WWW-Authenticate", "Always `Bearer` (RFC 6750).");
        }

        if (status is StatusCodes.Status429TooManyRequests or StatusCodes.Status503ServiceUnavailable)
        {
            AddHeader(response, "Retry-After", "Seconds to wait before trying again, when known (also `retryAfter` in the body).");
        }
    }

    private static void AddHeader(OpenApiResponse response, string name, string description)
    {
        response.Headers ??= new Dictionary<string, IOpenApiHeader>();
        response.Headers[name] = new OpenApiHeader { Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
    }
}
