using System.Text.Json.Serialization;
using Piazza.Protocol;

namespace Piazza.Server.Doors.Http;

/// <summary>The JSON of the REST parity routes (rooms, membership, messages, invitations, moderation); the same rules as <see cref="ApiJsonContext"/>.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowDuplicateProperties = false,
    MaxDepth = ProtocolConstants.MaxJsonDepth)]
[JsonSerializable(typeof(RoomInfoResponse))]
[JsonSerializable(typeof(CreateRoomRequest))]
[JsonSerializable(typeof(TopicRequest))]
[JsonSerializable(typeof(TopicResponse))]
[JsonSerializable(typeof(MembersResponse))]
[JsonSerializable(typeof(DeletedResponse))]
[JsonSerializable(typeof(List<InvitationResponse>))]
[JsonSerializable(typeof(InvitedResponse))]
[JsonSerializable(typeof(ModerationBody))]
[JsonSerializable(typeof(ModerationResponse))]
[JsonSerializable(typeof(PrivacyRequest))]
[JsonSerializable(typeof(PrivacyResponse))]
[JsonSerializable(typeof(RetentionRequest))]
[JsonSerializable(typeof(RetentionResponse))]
internal sealed partial class RestJsonContext : JsonSerializerContext;
