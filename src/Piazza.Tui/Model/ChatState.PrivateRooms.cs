using Piazza.Client;

namespace Piazza.Tui;

/// <summary>Private rooms: the list's mark, an invitation's notice line, a room switched private or public.</summary>
internal sealed partial class ChatState
{
    private void SetPrivateRoom(ConversationState room, bool isPrivate)
    {
        if (room.IsPrivateRoom != isPrivate)
        {
            room.IsPrivateRoom = isPrivate;
            ConversationsChanged?.Invoke();
        }
    }

    private void ApplyPrivateRoom(PiazzaEvent e)
    {
        switch (e)
        {
            case Invited invited:
                // Shown where the user is looking; the room is not in the list until joined.
                AddLine(Current, new ChatLine(TimeOf(invited.At), ChatLineKind.System, invited.By, $"{invited.By} invited you to {invited.Room}: type /join {invited.Room} to enter"));
                break;
            case RoomPrivacyChanged changed:
                var room = Ensure(changed.Room);
                SetPrivateRoom(room, changed.Private);
                var by = changed.By is null ? "" : $"{changed.By} ";
                AddLine(room, new ChatLine(TimeOf(changed.At), ChatLineKind.System, changed.By, changed.Private
                    ? $"{by}made this room private: only members and invited users can see it"
                    : $"{by}made this room public"));
                break;
        }
    }
}
