using System.Runtime.CompilerServices;

namespace Piazza.IntegrationTests.Infrastructure;

/// <summary>Process-wide settings for this test assembly.</summary>
internal static class TestAssemblySetup
{
    /// <summary>The test platform's two blocking loops (vstest's message loop, xunit's assembly wait) for the whole run.</summary>
    private static PoolThreadLoan? _testPlatform;

#pragma warning disable CA2255 // a test assembly is an application, not a library
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void LendThePoolTheTestPlatformsThreads() => _testPlatform = PoolThreadLoan.Take(2);
}
