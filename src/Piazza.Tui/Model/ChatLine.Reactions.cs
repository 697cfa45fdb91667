using System.Globalization;
using Piazza.Client;

namespace Piazza.Tui;

/// <summary>A message line's reactions, shown after its text as counts: <c>  👍 2  🎉 1</c>.</summary>
internal sealed partial record ChatLine
{
    /// <summary>The message's reactions (first used first); empty when none.</summary>
    public IReadOnlyList<MessageReaction> Reactions { get; init; } = [];

    /// <summary>The counts after the text (two spaces before each emoji), or empty.</summary>
    public string ReactionCounts
        => Reactions.Count == 0 ? "" : string.Concat(Reactions.Select(r => $"  {r.Emoji} {r.Users.Count.ToString(CultureInfo.InvariantCulture)}"));
}
