namespace Piazza.Protocol;

/// <summary>
/// A message's <c>reply</c>: the message it answers, quoted as it is now. <c>msg</c> and <c>seq</c> locate the
/// original in the same conversation, <c>from</c> is its sender, <c>text</c> its first 200 text elements (grapheme
/// clusters); once the original is deleted, <c>deleted</c> is true and <c>text</c> is absent.
/// </summary>
public sealed class ReplyQuoteInfo
{
    public string Msg { get; set; } = "";
    public long Seq { get; set; }
    public string From { get; set; } = "";
    public string? Text { get; set; }
    public bool? Deleted { get; set; }
}
