using System.Runtime.CompilerServices;

namespace Piazza.IntegrationTests.Infrastructure;

/// <summary>Process-wide settings for this test assembly.</summary>
internal static class TestAssemblySetup
{
    /// <summary>
    /// Test classes run in parallel and some block a pool thread (the headless terminal UI pumps synchronously,
    /// child processes are awaited). On a 2-core machine the pool would add threads slowly, starving the in-process
    /// servers' timers and loops; a higher floor keeps timing-based assertions (heartbeat) honest.
    /// </summary>
#pragma warning disable CA2255 // a test assembly is an application, not a library
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void RaiseThreadPoolFloor() => ThreadPool.SetMinThreads(64, 64);
}
