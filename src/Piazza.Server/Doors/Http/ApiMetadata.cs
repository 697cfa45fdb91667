using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.OpenApi;

namespace Piazza.Server.Doors.Http;

/// <summary>
/// Shorthands for a route's OpenAPI metadata (<see cref="ApiDocument"/>). Optional: the standard calls
/// (<c>.Produces&lt;ErrorResponse&gt;(404)</c>) say the same; these only save repeating them.
/// </summary>
public static class ApiMetadata
{
    /// <summary>One <c>Produces&lt;ErrorResponse&gt;(status)</c> per status: the JSON error shape on each.</summary>
    public static RouteHandlerBuilder ProducesErrors(this RouteHandlerBuilder builder, params int[] statuses)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(statuses);
        foreach (var status in statuses)
        {
            builder.Produces<ErrorResponse>(status, "application/json");
        }

        return builder;
    }

    /// <summary>Error statuses of a response with no body (HEAD): documented, nothing to parse.</summary>
    public static RouteHandlerBuilder ProducesBare(this RouteHandlerBuilder builder, params int[] statuses)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(statuses);
        foreach (var status in statuses)
        {
            builder.Produces(status);
        }

        return builder;
    }

    /// <summary>
    /// A request header the handler reads itself (tus), described as a header parameter; <paramref name="example"/>
    /// is a well-formed value (a client, or the walk test, may send it).
    /// </summary>
    public static RouteHandlerBuilder WithHeader(this RouteHandlerBuilder builder, string name, bool required, string description, string example, params string[] allowed)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            var schema = new OpenApiSchema { Type = JsonSchemaType.String, Examples = [JsonValue.Create(example)] };
            if (allowed.Length > 0)
            {
                schema.Enum = [.. allowed.Select(value => (JsonNode)JsonValue.Create(value))];
            }

            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter { Name = name, In = ParameterLocation.Header, Required = required, Description = description, Schema = schema });
            return Task.CompletedTask;
        });
    }

    /// <summary>A request body of raw bytes in <paramref name="contentType"/>, read by the handler itself (a tus PATCH).</summary>
    public static RouteHandlerBuilder WithRawBody(this RouteHandlerBuilder builder, string contentType, string description)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = description,
                Content = new Dictionary<string, OpenApiMediaType> { [contentType] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, ContentMediaType = "application/octet-stream" } } },
            };
            return Task.CompletedTask;
        });
    }

    /// <summary>A response of raw bytes in the resource's own media type (a file download).</summary>
    public static RouteHandlerBuilder ProducesBytes(this RouteHandlerBuilder builder, int status, string description)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Produces(status).AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Responses ??= [];
            operation.Responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new OpenApiResponse
            {
                Description = description,
                Content = new Dictionary<string, OpenApiMediaType> { ["*/*"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, ContentMediaType = "application/octet-stream" } } },
            };
            return Task.CompletedTask;
        });
    }

    /// <summary>A header of a response with <paramref name="status"/> (tus's <c>Upload-Offset</c>, a page's <c>Link</c>).</summary>
    public static RouteHandlerBuilder WithResponseHeader(this RouteHandlerBuilder builder, int status, string name, string description)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (operation.Responses?.TryGetValue(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var found) == true && found is OpenApiResponse response)
            {
                response.Headers ??= new Dictionary<string, IOpenApiHeader>();
                response.Headers[name] = new OpenApiHeader { Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
            }

            return Task.CompletedTask;
        });
    }
}
