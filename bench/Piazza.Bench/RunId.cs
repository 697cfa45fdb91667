using System.Globalization;

namespace Piazza.Bench;

/// <summary>A short tag that makes user names and channels of one run distinct from any earlier run's.</summary>
internal static class RunId
{
    public static string Next()
        => string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId % 10000}x{Environment.TickCount64 % 1000000}");
}
