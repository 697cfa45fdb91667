using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests;

/// <summary>The conformance suite over the native TCP door with the limits the product ships with: people use it with them on.</summary>
public sealed class NativeTcpDoorProductionLimitsTests : DoorConformanceTests
{
    protected override TestLimits Limits => TestLimits.Production;

    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectAsync(server.Port);
}

/// <summary>The conformance suite over the WebSocket door with the limits the product ships with.</summary>
public sealed class WebSocketDoorProductionLimitsTests : DoorConformanceTests
{
    protected override TestLimits Limits => TestLimits.Production;

    /// <summary>Over WebSocket an over-long message closes the connection (1009, WebSocketCloseCodeTests).</summary>
    protected override string OverLongLine => "\n";

    protected override string[] OverLongLineErrors => [];

    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectWebSocketAsync(server.HttpBase);
}
