namespace Piazza.Protocol;

/// <summary>One emoji of a message's <c>reactions</c> and who reacted with it (user names, in reaction order).</summary>
public sealed class ReactionInfo
{
    public string Emoji { get; set; } = "";
    public IReadOnlyList<string> Users { get; set; } = [];
}
