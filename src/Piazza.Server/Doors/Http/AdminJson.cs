using System.Text.Json.Serialization;
using Piazza.Core.Admin;
using Piazza.Core.Storage;
using Piazza.Protocol;

namespace Piazza.Server.Doors.Http;

/// <summary>One connection of an online user: <c>door</c> and <c>address</c> only for users on the node that answered.</summary>
public sealed record AdminSessionResponse(string Node, string? Door, string? Address, string Since);

/// <summary>An online user in <c>GET /api/admin/users</c>; <c>guest</c>, <c>bot</c> and <c>admin</c> appear only when true.</summary>
public sealed record AdminUserResponse(string User, IReadOnlyList<string> Rooms, IReadOnlyList<AdminSessionResponse> Sessions, bool? Guest = null, bool? Bot = null, bool? Admin = null)
{
    public static AdminUserResponse Of(OnlineUserEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new(
            entry.Name, entry.Rooms, [.. entry.Sessions.Select(s => new AdminSessionResponse(s.Node, s.Door, s.Address, WireTimestamp.Format(s.Since)))],
            entry.Guest ? true : null, entry.Bot ? true : null, entry.Admin ? true : null);
    }
}

/// <summary>A room in <c>GET /api/admin/rooms</c>: <c>owner</c> an account key (absent: none), <c>members</c> stored, <c>present</c> connected now.</summary>
public sealed record AdminRoomResponse(string Room, string? Topic, string? Owner, bool Private, int Members, int Present);

/// <summary>One audit entry: <c>id</c> orders them (and is the next page's cursor), <c>room</c> absent for the server.</summary>
public sealed record AuditEntryResponse(long Id, string At, string Actor, string Action, string? Target, string? Room, string? Reason, string? Detail)
{
    public static AuditEntryResponse Of(AuditRecord e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(e.Id, WireTimestamp.Format(e.At), e.Actor, e.Action, e.Target, e.Room, e.Reason, e.Detail);
    }
}

public sealed record OwnerRequest(string? Owner, string? Reason = null);

public sealed record OwnerResponse(string Room, string Owner);

public sealed record AnnouncementRequest(string? Text);

public sealed record AnnouncementResponse(string Room, string Msg, long Seq);

/// <summary>The temporary password of a reset, answered once.</summary>
public sealed record PasswordResetResponse(string User, string Password);

public sealed record AccountStateResponse(string User, bool Disabled);

// The rules of every REST body: a repeated field is refused, depth is bounded.
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowDuplicateProperties = false,
    MaxDepth = ProtocolConstants.MaxJsonDepth)]
[JsonSerializable(typeof(List<AdminUserResponse>))]
[JsonSerializable(typeof(List<AdminRoomResponse>))]
[JsonSerializable(typeof(List<AuditEntryResponse>))]
[JsonSerializable(typeof(OwnerRequest))]
[JsonSerializable(typeof(OwnerResponse))]
[JsonSerializable(typeof(AnnouncementRequest))]
[JsonSerializable(typeof(AnnouncementResponse))]
[JsonSerializable(typeof(PasswordResetResponse))]
[JsonSerializable(typeof(AccountStateResponse))]
[JsonSerializable(typeof(ModerationBody))]
[JsonSerializable(typeof(ModerationResponse))]
[JsonSerializable(typeof(DeletedResponse))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(CredentialsRequest))]
[JsonSerializable(typeof(TokenResponse))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;
