namespace Piazza.Protocol;

/// <summary>One text a message had (the answer to <c>versions</c>): the <c>text</c>, and <c>ts</c>, when it was written.</summary>
public sealed class MessageVersionInfo
{
    public string Text { get; set; } = "";
    public string Ts { get; set; } = "";
}
