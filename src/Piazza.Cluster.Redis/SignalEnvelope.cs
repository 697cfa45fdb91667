using System.Text.Json;
using System.Text.Json.Serialization;
using Piazza.Core.Ports;

namespace Piazza.Cluster.Redis;

/// <summary>
/// One signal on the channel: who sent it (<paramref name="Node"/>, and <paramref name="Run"/>, which is new at each
/// start of that node so a restart is not mistaken for a gap), the sender's count of signals published so far
/// (1, 2, 3, … with no gap unless one was lost) and the signal. A <paramref name="Probe"/> carries no signal: a node
/// sends it to itself to learn that its subscription is active again.
/// </summary>
internal sealed record SignalEnvelope(
    [property: JsonPropertyName("n")] string Node,
    [property: JsonPropertyName("r")] string Run,
    [property: JsonPropertyName("c")] long Counter,
    [property: JsonPropertyName("s")] ClusterSignal? Signal,
    [property: JsonPropertyName("p")] string? Probe = null);

/// <summary>An envelope as read, its signal still JSON: a kind this node does not know must not hide the counter.</summary>
internal sealed record ReceivedEnvelope(
    [property: JsonPropertyName("n")] string Node,
    [property: JsonPropertyName("r")] string Run,
    [property: JsonPropertyName("c")] long Counter,
    [property: JsonPropertyName("s")] JsonElement? Signal,
    [property: JsonPropertyName("p")] string? Probe = null);

/// <summary>
/// Source-generated JSON for signals. <see cref="ClusterSignal"/> lists its kinds with [JsonDerivedType] on the base,
/// so every kind added there is covered here without naming it.
/// </summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SignalEnvelope))]
[JsonSerializable(typeof(ReceivedEnvelope))]
[JsonSerializable(typeof(ClusterSignal))]
internal sealed partial class ClusterJsonContext : JsonSerializerContext;
