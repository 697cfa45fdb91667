using Piazza.Core.Ports;

namespace Piazza.Core.Cluster;

/// <summary>
/// An account read a conversation (shown as <paramref name="Room"/>) up to <paramref name="Seq"/>: its connections on
/// every node hear <c>read</c>, except <see cref="Origin"/>, the connection that read (on the acting node only).
/// </summary>
public sealed record ReadPositionSignal(string Identity, string Room, long Seq) : ClusterSignal
{
    [System.Text.Json.Serialization.JsonIgnore]
    public ChatSession? Origin { get; internal init; }
}
