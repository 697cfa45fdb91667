using System.Collections.Concurrent;

namespace Piazza.Core.Away;

/// <summary>
/// Who is away, cluster-wide, by folded name (names are unique among connected users): what user lists show next to
/// each name (<c>who</c>, <c>welcome</c>, the <c>room</c> frame). Lock-free reads; written only by
/// <see cref="AwayService"/>'s signal handler.
/// </summary>
internal sealed class AwayBook
{
    private readonly ConcurrentDictionary<string, string> _away = new(StringComparer.Ordinal);

    /// <summary>The user's away text, or null when they are not away.</summary>
    public string? Of(string nameKey) => _away.GetValueOrDefault(nameKey);

    public void Set(string nameKey, string? text)
    {
        if (text is null)
        {
            _away.TryRemove(nameKey, out _);
        }
        else
        {
            _away[nameKey] = text;
        }
    }

    public int Count => _away.Count;
}
