using Piazza.Protocol;

namespace Piazza.Client;

/// <summary>
/// Moderation (docs/protocol.md, Moderation): in a room for its owner and moderators; server-wide (no room) for admins.
/// Without the role the server refuses with <see cref="ErrorCode.Forbidden"/>. None is repeated after a lost connection.
/// </summary>
public sealed partial class PiazzaClient
{
    /// <summary>Removes <paramref name="user"/> from <paramref name="room"/> (they may join again), or from the server when room is null.</summary>
    public Task KickAsync(string? room, string user, string? reason = null, CancellationToken cancellationToken = default)
        => ModerateAsync(new ClientFrame { Type = FrameTypes.Kick, Room = room, User = user, Reason = reason }, cancellationToken);

    /// <summary>Bans <paramref name="user"/> from <paramref name="room"/>, or from the server when room is null; for <paramref name="duration"/> or until lifted.</summary>
    public Task BanAsync(string? room, string user, TimeSpan? duration = null, string? reason = null, CancellationToken cancellationToken = default)
        => ModerateAsync(new ClientFrame { Type = FrameTypes.Ban, Room = room, User = user, Duration = duration?.TotalSeconds, Reason = reason }, cancellationToken);

    /// <summary>Bans an IP address from the server (admins); its connections are closed and new ones refused.</summary>
    public Task BanAddressAsync(string address, TimeSpan? duration = null, string? reason = null, CancellationToken cancellationToken = default)
        => ModerateAsync(new ClientFrame { Type = FrameTypes.Ban, Address = address, Duration = duration?.TotalSeconds, Reason = reason }, cancellationToken);

    /// <summary>Lifts a ban from <paramref name="room"/>, or a server ban when room is null; <see cref="ErrorCode.NotBanned"/> when there is none.</summary>
    public Task UnbanAsync(string? room, string user, CancellationToken cancellationToken = default)
        => ModerateAsync(new ClientFrame { Type = FrameTypes.Unban, Room = room, User = user }, cancellationToken);

    /// <summary>Lifts an address ban (admins).</summary>
    public Task UnbanAddressAsync(string address, CancellationToken cancellationToken = default)
        => ModerateAsync(new ClientFrame { Type = FrameTypes.Unban, Address = address }, cancellationToken);

    /// <summary>Mutes <paramref name="user"/> in <paramref name="room"/>: their sends there fail until unmuted or the end.</summary>
    public Task MuteAsync(string room, string user, TimeSpan? duration = null, string? reason = null, CancellationToken cancellationToken = default)
        => ModerateAsync(new ClientFrame { Type = FrameTypes.Mute, Room = room, User = user, Duration = duration?.TotalSeconds, Reason = reason }, cancellationToken);

    public Task UnmuteAsync(string room, string user, CancellationToken cancellationToken = default)
        => ModerateAsync(new ClientFrame { Type = FrameTypes.Unmute, Room = room, User = user }, cancellationToken);

    /// <summary>Makes <paramref name="user"/> a moderator of <paramref name="room"/> (op) or a member again (deop); owner and admins.</summary>
    public Task SetModeratorAsync(string room, string user, bool moderator, CancellationToken cancellationToken = default)
        => ModerateAsync(new ClientFrame { Type = moderator ? FrameTypes.Op : FrameTypes.Deop, Room = room, User = user }, cancellationToken);

    /// <summary>Locks a room's topic to moderators (true) or lets anyone in the room change it (false).</summary>
    public Task LockTopicAsync(string room, bool locked, CancellationToken cancellationToken = default)
        => ModerateAsync(new ClientFrame { Type = FrameTypes.Topic, Room = room, Lock = locked }, cancellationToken);

    /// <summary>Deletes a message (its author, or a moderator for lower ranks); everyone in the conversation gets <see cref="MessageDeleted"/>.</summary>
    public Task DeleteMessageAsync(string conversation, string messageId, CancellationToken cancellationToken = default)
        => ModerateAsync(new ClientFrame { Type = FrameTypes.Delete, Room = conversation, Msg = messageId }, cancellationToken);

    private Task ModerateAsync(ClientFrame frame, CancellationToken cancellationToken)
    {
        if (frame.Room is { Length: 0 })
        {
            throw new ArgumentException("a room name cannot be empty (null means server-wide)", nameof(frame));
        }

        return RequestAsync(frame, Repeat.Never, cancellationToken);
    }
}
