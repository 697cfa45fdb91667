using System.Text.Json.Serialization;

namespace Piazza.Protocol;

/// <summary>
/// Any frame a client sends, as it appears on the wire. Every field is optional at this level;
/// the server validates the fields each <see cref="Type"/> needs. Unknown fields are ignored.
/// </summary>
public sealed class ClientFrame
{
    public string? Type { get; set; }
    public string? Id { get; set; }
    public string? User { get; set; }
    public int? Protocol { get; set; }
    public string? Client { get; set; }
    public string? Room { get; set; }
    public string? Text { get; set; }
}

/// <summary>
/// Any frame a server sends, as it appears on the wire. Null fields are omitted when written.
/// </summary>
public sealed class ServerFrame
{
    public string? Type { get; set; }
    public string? Re { get; set; }
    public string? Id { get; set; }
    public long? Seq { get; set; }
    public string? Room { get; set; }
    public string? From { get; set; }
    public string? User { get; set; }
    public string? Text { get; set; }
    public string? Ts { get; set; }
    public string? Reason { get; set; }
    public string? Code { get; set; }
    public string? Message { get; set; }
    public string? Server { get; set; }
    public int? Protocol { get; set; }
    public string? Msg { get; set; }
    public string? Motd { get; set; }
    public IReadOnlyList<UserInfo>? Users { get; set; }
}

/// <summary>One entry of a user list (<c>welcome</c>, <c>who</c>).</summary>
public sealed class UserInfo
{
    public string User { get; set; } = "";
    public string Since { get; set; } = "";
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowDuplicateProperties = false,
    MaxDepth = ProtocolConstants.MaxJsonDepth)]
[JsonSerializable(typeof(ClientFrame))]
[JsonSerializable(typeof(ServerFrame))]
internal sealed partial class WireJsonContext : JsonSerializerContext;
