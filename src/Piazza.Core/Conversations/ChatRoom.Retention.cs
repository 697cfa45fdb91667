using Piazza.Core.Retention;

namespace Piazza.Core.Conversations;

/// <summary>
/// The room's retention as its members see it (docs/retention.md): held in memory so the <c>room</c> frame carries it
/// without a store read, and changed under the lock together with the notice, so an entering connection sees either
/// the old setting and the notice, or the new one.
/// </summary>
internal sealed partial class ChatRoom
{
    private RoomRetention? _retention;

    /// <summary>The setting in force; null until the room's loader restored it.</summary>
    public RoomRetention? Retention => Volatile.Read(ref _retention);

    /// <summary>Takes the stored setting (<paramref name="ownDays"/> null: the server's <paramref name="serverDays"/>), when the room loads.</summary>
    public void RestoreRetention(int? ownDays, int serverDays)
        => Volatile.Write(ref _retention, new RoomRetention(Name, ownDays, RetentionRules.DaysFor(ownDays, serverDays)));

    /// <summary>
    /// Takes a changed setting and tells every listener <paramref name="notice"/>; nothing when the room already had it
    /// (a repeated signal, or a resynchronisation that found nothing new). True when it changed.
    /// </summary>
    public bool SetRetention(RetentionEvent notice, List<ChatSession> overflowed)
    {
        ArgumentNullException.ThrowIfNull(notice);
        lock (Gate)
        {
            if (_retention is { } held && held.OwnDays == notice.Retention.OwnDays && held.Days == notice.Retention.Days)
            {
                return false;
            }

            Volatile.Write(ref _retention, notice.Retention);
            BroadcastLocked(notice, overflowed, exceptNameKey: null);
            return true;
        }
    }
}
