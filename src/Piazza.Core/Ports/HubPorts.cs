using Piazza.Core.Online;

namespace Piazza.Core.Ports;

/// <summary>
/// The ports a hub runs on besides its store. The defaults are a node alone: names claimed in memory, no other
/// nodes, seqs counted in memory. A cluster node passes its Redis adapters and lets the shared store assign seqs.
/// </summary>
public sealed record HubPorts
{
    public INameClaims Claims { get; init; } = new InProcessNameClaims();

    public IClusterBus Bus { get; init; } = new SingleNodeBus();

    /// <summary>
    /// Whether the store assigns seqs (<see cref="Storage.ISequencingStore"/>): required when several nodes share the
    /// store; a node alone counts them in memory and commits in groups (faster, see docs/scale-out.md).
    /// </summary>
    public bool SeqAssignedByStore { get; init; }
}
