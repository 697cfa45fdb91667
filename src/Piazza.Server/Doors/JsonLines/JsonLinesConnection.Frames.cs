using Piazza.Core;
using Piazza.Protocol;

namespace Piazza.Server.Doors.JsonLines;

/// <summary>Frame handling: what each client frame means, and the replies.</summary>
public sealed partial class JsonLinesConnection
{
    private Task _lastSend = Task.CompletedTask;

    /// <summary>Handles one decoded frame; false when the client said bye.</summary>
    private async ValueTask<bool> HandleFrameAsync(ClientFrame frame)
    {
        if (frame.Id?.Length > ChatHub.MaxIdChars)
        {
            // Not echoed as "re": it is what is wrong, and a reply should not carry 64 KiB back.
            ReportProtocolError(null, ErrorCode.BadRequest, $"\"id\" is at most {ChatHub.MaxIdChars} characters ({frame.Id.Length} given); the frame was ignored");
            return true;
        }

        switch (frame.Type)
        {
            case FrameTypes.Ping:
                Enqueue(new ServerFrame { Type = FrameTypes.Pong, Re = frame.Id });
                return true;
            case FrameTypes.Pong:
                return true; // an answer to our heartbeat ping; hearing it was the point
            case FrameTypes.Bye:
                return false;
            case FrameTypes.Hello:
                await HandleHelloAsync(frame).ConfigureAwait(false);
                return true;
            case FrameTypes.Register when _session is null:
                await HandleHelloAsync(frame).ConfigureAwait(false);
                return true;
        }

        if (_session is not { } session)
        {
            var known = IsSessionType(frame.Type);
            ReportProtocolError(frame.Id, known ? ErrorCode.NotWelcomed : ErrorCode.UnknownType, known ? "say hello first" : $"unknown frame type '{frame.Type}'");
            return true;
        }

        // The one scope check (a session opened with a named token has only its scopes; docs/protocol.md, "Tokens, sessions and bots").
        if (IsSessionType(frame.Type) && ChatHub.CheckScope(session, frame.Type) is { } outOfScope)
        {
            ReportError(frame.Id, outOfScope);
            return true;
        }

        switch (frame.Type)
        {
            case FrameTypes.Send:
                await HandleSendAsync(session, frame).ConfigureAwait(false);
                break;
            case FrameTypes.Who:
                Reply(frame, await _hub.WhoAsync(session, frame.Room, frame.Cursor, frame.Limit).ConfigureAwait(false), page => new ServerFrame
                {
                    Type = FrameTypes.Ok,
                    Re = frame.Id,
                    Room = frame.Room ?? ChatHub.LobbyName,
                    Users = JsonLinesEventEncoder.ToUserInfos(page.Users),
                    Count = page.Count,
                    Next = page.Next,
                });
                break;
            case FrameTypes.Join:
                Reply(frame, await _hub.JoinAsync(session, frame.Room, frame.Private == true, CancellationToken.None).ConfigureAwait(false), room => new ServerFrame { Type = FrameTypes.Ok, Re = frame.Id, Room = room });
                break;
            case FrameTypes.Leave:
                Reply(frame, await _hub.LeaveAsync(session, frame.Room).ConfigureAwait(false), room => new ServerFrame { Type = FrameTypes.Ok, Re = frame.Id, Room = room });
                break;
            case FrameTypes.Topic when frame.Lock is { } locked:
                // "lock" alone locks or unlocks; with "topic" as well, the topic is set after the lock changes.
                var lockResult = await _hub.SetTopicLockAsync(session, frame.Room, locked).ConfigureAwait(false);
                if (lockResult.Succeeded && frame.Topic is not null)
                {
                    lockResult = await _hub.SetTopicAsync(session, frame.Room, frame.Topic).ConfigureAwait(false);
                }

                Reply(frame, lockResult, room => new ServerFrame { Type = FrameTypes.Ok, Re = frame.Id, Room = room, Locked = locked });
                break;
            case FrameTypes.Topic:
                Reply(frame, await _hub.SetTopicAsync(session, frame.Room, frame.Topic).ConfigureAwait(false), room => new ServerFrame { Type = FrameTypes.Ok, Re = frame.Id, Room = room });
                break;
            case FrameTypes.Kick or FrameTypes.Ban or FrameTypes.Unban or FrameTypes.Mute or FrameTypes.Unmute or FrameTypes.Op or FrameTypes.Deop:
                await HandleModerationAsync(session, frame).ConfigureAwait(false);
                break;
            case FrameTypes.RoomSet or FrameTypes.Invite or FrameTypes.Uninvite:
                await HandlePrivateRoomAsync(session, frame).ConfigureAwait(false);
                break;
            case FrameTypes.Delete:
                Reply(frame, await _hub.DeleteMessageAsync(session, frame.Room, frame.Msg).ConfigureAwait(false), deleted => new ServerFrame
                {
                    Type = FrameTypes.Ok,
                    Re = frame.Id,
                    Room = deleted.Room,
                    Msg = deleted.MessageId,
                    Seq = deleted.Seq,
                });
                break;
            case FrameTypes.Rooms:
                Reply(frame, await _hub.RoomsAsync(session, frame.Cursor, ChatHub.RoomsPageFitting(frame.Limit, _options.Outbox.MaxBytes)).ConfigureAwait(false), page => new ServerFrame
                {
                    Type = FrameTypes.Ok,
                    Re = frame.Id,
                    Rooms = [.. page.Rooms.Select(r => new RoomInfo { Room = r.Room, Topic = r.Topic, Members = r.Members, Joined = r.Joined, Private = r.Private ? true : null })],
                    Next = page.Next,
                });
                break;
            case FrameTypes.History:
                // A quarter of the outbox at most, queued once it is half empty: asking never makes a reader a slow consumer.
                var history = await _hub.HistoryAsync(session, frame.Room, frame.With, frame.Before, frame.After, frame.Limit, frame.Id, ChatHub.HistoryReplyBytes(_options.Outbox.MaxBytes)).ConfigureAwait(false);
                if (history.Succeeded)
                {
                    await WaitForCapacityAsync(CancellationToken.None).ConfigureAwait(false);
                    EnqueueEvent(history.Value!);
                }
                else
                {
                    ReportError(frame.Id, history.Error!);
                }

                break;
            case FrameTypes.Read:
                await HandleReadAsync(session, frame).ConfigureAwait(false);
                break;
            case FrameTypes.Edit:
                await HandleEditAsync(session, frame).ConfigureAwait(false);
                break;
            case FrameTypes.Versions:
                await HandleVersionsAsync(session, frame).ConfigureAwait(false);
                break;
            case FrameTypes.Pin or FrameTypes.Unpin or FrameTypes.Pins:
                await HandlePinsAsync(session, frame).ConfigureAwait(false);
                break;
            case FrameTypes.Search:
                await HandleSearchAsync(session, frame).ConfigureAwait(false);
                break;
            case FrameTypes.Register:
                Reply(frame, await _hub.RegisterGuestAsync(session, frame.User, frame.Password).ConfigureAwait(false), token => new ServerFrame { Type = FrameTypes.Ok, Re = frame.Id, Token = token });
                break;
            case FrameTypes.Password:
                Reply(frame, await _hub.ChangePasswordAsync(session, frame.Password, frame.NewPassword).ConfigureAwait(false), token => new ServerFrame { Type = FrameTypes.Ok, Re = frame.Id, Token = token });
                break;
            case FrameTypes.Away:
                HandleAway(session, frame);
                break;
            case FrameTypes.Typing:
                await HandleTypingAsync(session, frame).ConfigureAwait(false);
                break;
            case FrameTypes.React or FrameTypes.Unreact:
                await HandleReactAsync(session, frame).ConfigureAwait(false);
                break;
            case FrameTypes.Tokens or FrameTypes.TokenCreate or FrameTypes.TokenRevoke or FrameTypes.Sessions or FrameTypes.SessionRevoke:
                await HandleTokensAsync(session, frame).ConfigureAwait(false);
                break;
            case FrameTypes.Logout:
                await _hub.RevokeTokenAsync(session).ConfigureAwait(false);
                Enqueue(new ServerFrame { Type = FrameTypes.Ok, Re = frame.Id });
                break;
            default:
                ReportProtocolError(frame.Id, ErrorCode.UnknownType, $"unknown frame type '{frame.Type}'");
                break;
        }

        return true;
    }

    private static bool IsSessionType(string? type) => type is FrameTypes.Send or FrameTypes.Who or FrameTypes.Join or FrameTypes.Leave
        or FrameTypes.Topic or FrameTypes.Rooms or FrameTypes.History or FrameTypes.Password or FrameTypes.Logout
        or FrameTypes.Kick or FrameTypes.Ban or FrameTypes.Unban or FrameTypes.Mute or FrameTypes.Unmute or FrameTypes.Op or FrameTypes.Deop
        or FrameTypes.Delete or FrameTypes.Away or FrameTypes.Typing or FrameTypes.RoomSet or FrameTypes.Invite or FrameTypes.Uninvite or FrameTypes.Read
        or FrameTypes.Edit or FrameTypes.Versions
        or FrameTypes.React or FrameTypes.Unreact
        or FrameTypes.Pin or FrameTypes.Unpin or FrameTypes.Pins
        or FrameTypes.Search
        or FrameTypes.Tokens or FrameTypes.TokenCreate or FrameTypes.TokenRevoke or FrameTypes.Sessions or FrameTypes.SessionRevoke;

    private async Task HandleHelloAsync(ClientFrame frame)
    {
        if (_session is not null)
        {
            ReportProtocolError(frame.Id, ErrorCode.AlreadyWelcomed, "already said hello");
            return;
        }

        if (frame.Protocol is { } version && version != ProtocolConstants.Version)
        {
            RejectHello(frame, new HubError(ErrorCode.ProtocolVersion, $"this server speaks protocol {ProtocolConstants.Version}, not {version}"));
            return;
        }

        if (_hub.IsShuttingDown)
        {
            RejectHello(frame, new HubError(ErrorCode.ServerError, "the server is shutting down"));
            return;
        }

        if (CheckClientName(frame.Client) is { } badClient)
        {
            RejectHello(frame, badClient);
            return;
        }

        HubResult<ChatSession> result;
        _liveness.HelloStarted();
        try
        {
            result = frame.Type == FrameTypes.Register
                ? await _hub.RegisterAsync(this, frame.User, frame.Password, bot: frame.Bot == true, client: frame.Client).ConfigureAwait(false)
                : await _hub.HelloAsync(this, new HelloRequest(frame.User, frame.Password, frame.Token, frame.Resume, RemoteAddress) { Client = frame.Client }).ConfigureAwait(false);
        }
        finally
        {
            _liveness.HelloEnded();
        }

        if (!result.Succeeded)
        {
            RejectHello(frame, result.Error!);
            return;
        }

        _session = result.Value;
        Log.Welcomed(_logger, LogText.Of(_session!.Name), RemoteEndPoint, Door, frame.Client is null ? "unknown client" : LogText.Of(frame.Client));
    }

    /// <summary>The software a hello names is free text too: one line, no control characters, short.</summary>
    private static HubError? CheckClientName(string? client)
    {
        if (client is null)
        {
            return null;
        }

        if (client.Length > ChatHub.MaxClientNameChars)
        {
            return new HubError(ErrorCode.BadRequest, $"\"client\" is at most {ChatHub.MaxClientNameChars} characters");
        }

        return UnicodeHygiene.CheckText(client, allowNewlines: false, out var problem) ? null : new HubError(ErrorCode.BadText, "client: " + problem);
    }

    private void RejectHello(ClientFrame frame, HubError error)
    {
        Log.HelloRejected(_logger, RemoteEndPoint, frame.User is null ? "(none)" : LogText.Of(frame.User), error.Code.ToWire(), LogText.Of(error.Message));
        EnqueueError(frame.Id, error);
    }

    private async Task HandleSendAsync(ChatSession session, ClientFrame frame)
    {
        var accepted = frame.Reply is not null
            ? await SendReplyAsync(session, frame).ConfigureAwait(false)
            : frame.To is { IsList: true } group
            ? await _hub.SendToGroupAsync(session, group.Names, frame.Text, frame.File?.Id, frame.Id).ConfigureAwait(false)
            : frame.File is { } file
            ? await _hub.SendAsync(session, frame.To is null ? frame.Room : null, frame.To?.Single, frame.Text, file.Id, frame.Id).ConfigureAwait(false)
            : await _hub.SendAsync(session, frame.To is null ? frame.Room : null, frame.To?.Single, frame.Text, frame.Id).ConfigureAwait(false);
        if (!accepted.Succeeded)
        {
            ReportError(frame.Id, accepted.Error!);
            return;
        }

        // Do not wait for durability here: the next frame can be read while this one commits with others.
        _lastSend = AcknowledgeAsync(frame.Id, accepted.Value!.Completion);
    }

    private async Task AcknowledgeAsync(string? requestId, Task<HubResult<SendOutcome>> completion)
    {
        var outcome = await completion.ConfigureAwait(false);
        if (!outcome.Succeeded)
        {
            ReportError(requestId, outcome.Error!);
            return;
        }

        var message = outcome.Value!.Message;
        Enqueue(new ServerFrame
        {
            Type = FrameTypes.Ok,
            Re = requestId,
            Msg = message.Id,
            Seq = message.Seq,
            Room = message.Room,
            Duplicate = outcome.Value.Duplicate ? true : null,
        });
    }

    private void Reply<T>(ClientFrame frame, HubResult<T> result, Func<T, ServerFrame> success)
    {
        if (result.Succeeded)
        {
            Enqueue(success(result.Value!));
        }
        else
        {
            ReportError(frame.Id, result.Error!);
        }
    }

    private void ReportError(string? requestId, HubError error)
    {
        Log.ProtocolError(_logger, Who, error.Code.ToWire(), LogText.Of(error.Message));
        EnqueueError(requestId, error);
        if (error.Code == ErrorCode.RateLimited && !_hub.Flood.TryRecordRefusal(this))
        {
            DisconnectForFlooding();
        }
    }

    /// <summary>A client that keeps sending after <c>rate_limited</c> is told why and closed (after a flush).</summary>
    private void DisconnectForFlooding()
    {
        if (Volatile.Read(ref _closing) != 0)
        {
            return;
        }

        var limits = _hub.Flood.Limits;
        Log.Flooding(_logger, Who, limits.RefusalsBeforeDisconnect, limits.RefusalWindow.TotalSeconds);
        EnqueueError(null, ErrorCode.Flooding, $"disconnected: more than {limits.RefusalsBeforeDisconnect} requests refused as rate_limited within {limits.RefusalWindow.TotalSeconds:0.#} s");
        CloseWith(LeaveReason.Flooding);
    }

    private void ReportProtocolError(string? requestId, ErrorCode code, string message)
        => ReportError(requestId, new HubError(code, message));

    private void EnqueueError(string? requestId, HubError error) => Enqueue(new ServerFrame
    {
        Type = FrameTypes.Error,
        Re = requestId,
        Code = error.Code.ToWire(),
        Message = error.Message,
        RetryAfter = error.RetryAfter is { } wait ? Math.Ceiling(wait.TotalSeconds) : null,
    });

    private void EnqueueError(string? requestId, ErrorCode code, string message) => EnqueueError(requestId, new HubError(code, message));

    /// <summary>Queues a per-connection event (history answers); a client too far behind to take it is dropped.</summary>
    private void EnqueueEvent(ChatEvent chatEvent)
    {
        if (!TryEnqueue(chatEvent))
        {
            DropAsSlowConsumer();
        }
    }

    /// <summary>Queues a reply for this connection only; a client too far behind to take it is dropped.</summary>
    private void Enqueue(ServerFrame frame)
    {
        var bytes = FrameCodec.EncodeLine(frame);
        if (!_outbox.TryEnqueue(new Outbound(null, bytes), bytes.Length))
        {
            DropAsSlowConsumer();
        }
    }

    private void DropAsSlowConsumer()
    {
        if (Volatile.Read(ref _closing) != 0)
        {
            return;
        }

        Log.SlowConsumer(_logger, Who);
        if (_session is { } session)
        {
            _hub.Disconnect(session, LeaveReason.SlowConsumer);
        }

        Close(flush: false);
    }
}
