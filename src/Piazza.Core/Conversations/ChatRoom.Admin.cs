namespace Piazza.Core.Conversations;

/// <summary>What server admins change on a room (docs/admin.md).</summary>
internal sealed partial class ChatRoom
{
    /// <summary>An admin set the owner (an account key): it owns the room now, and the room is kept like any other.</summary>
    public void SetOwner(string ownerKey)
    {
        lock (Gate)
        {
            Owner = ownerKey;
            CreatedByGuest = false;
        }
    }
}
