using Piazza.Core.Online;
using Piazza.Core.Ports;

namespace Piazza.IntegrationTests.Cluster;

/// <summary>The claims contract on one process's claims: "both nodes" are the same instance.</summary>
public sealed class InProcessNameClaimsTests : NameClaimsContractTests
{
    public override Task InitializeAsync()
    {
        NodeA = NodeB = new InProcessNameClaims();
        return Task.CompletedTask;
    }

    public override Task DisposeAsync() => Task.CompletedTask;

    protected override Task SettledAsync(INameClaims node) => Task.CompletedTask;
}
