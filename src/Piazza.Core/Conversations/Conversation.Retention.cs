namespace Piazza.Core.Conversations;

/// <summary>Retention (docs/retention.md): messages it removed leave the recent ring, so nobody is served them from memory.</summary>
internal abstract partial class Conversation
{
    /// <summary>
    /// Forgets every held message below <paramref name="firstSeq"/> (pinned ones too: they are read from the store).
    /// The ring then holds a gap-free stretch ending at the last seq, as <see cref="TryAttach"/> expects; an attach
    /// from below it goes to the store, which says where history begins.
    /// </summary>
    public void DropBefore(long firstSeq)
    {
        lock (Gate)
        {
            for (var i = 0; i < _recent.Length; i++)
            {
                if (_recent[i] is { } kept && kept.Seq < firstSeq)
                {
                    _recent[i] = null;
                }
            }
        }
    }
}
