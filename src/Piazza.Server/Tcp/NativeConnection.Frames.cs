using System.Buffers;
using Piazza.Core;
using Piazza.Protocol;

namespace Piazza.Server.Tcp;

/// <summary>Frame handling: what each client frame means, and the replies.</summary>
public sealed partial class NativeConnection
{
    /// <summary>Handles one decoded line; false when the client said bye.</summary>
    private bool HandleLine(in ReadOnlySequence<byte> line)
    {
        if (!FrameCodec.TryDecodeClient(line, out var frame, out var error))
        {
            ReportProtocolError(error.RequestId, error.Code, error.Message);
            return true;
        }

        switch (frame.Type)
        {
            case FrameTypes.Hello:
                HandleHello(frame);
                return true;
            case FrameTypes.Ping:
                Enqueue(new ServerFrame { Type = FrameTypes.Pong, Re = frame.Id });
                return true;
            case FrameTypes.Pong:
                return true; // an answer to our heartbeat ping; hearing it was the point
            case FrameTypes.Bye:
                return false;
        }

        if (_session is not { } session)
        {
            ReportProtocolError(frame.Id, IsKnownType(frame.Type) ? ErrorCodes.NotWelcomed : ErrorCodes.UnknownType,
                IsKnownType(frame.Type) ? "say hello first" : $"unknown frame type '{frame.Type}'");
            return true;
        }

        switch (frame.Type)
        {
            case FrameTypes.Send:
                HandleSend(session, frame);
                break;
            case FrameTypes.Who:
                HandleWho(frame);
                break;
            default:
                ReportProtocolError(frame.Id, ErrorCodes.UnknownType, $"unknown frame type '{frame.Type}'");
                break;
        }

        return true;
    }

    private static bool IsKnownType(string? type) => type is FrameTypes.Send or FrameTypes.Who;

    private void HandleHello(ClientFrame frame)
    {
        if (_session is not null)
        {
            ReportProtocolError(frame.Id, ErrorCodes.AlreadyWelcomed, "already said hello");
            return;
        }

        if (frame.Protocol is { } version && version != ProtocolConstants.Version)
        {
            RejectHello(frame, ErrorCodes.ProtocolVersion, $"this server speaks protocol {ProtocolConstants.Version}, not {version}");
            return;
        }

        if (_hub.IsShuttingDown)
        {
            RejectHello(frame, ErrorCodes.ServerError, "the server is shutting down");
            return;
        }

        var result = _hub.Join(this, frame.User);
        if (!result.Succeeded)
        {
            RejectHello(frame, result.ErrorCode!, result.Problem!);
            return;
        }

        _session = result.Session;
        Log.Welcomed(_logger, result.Session!.Name, RemoteEndPoint, Door, frame.Client ?? "unknown client");
    }

    private void RejectHello(ClientFrame frame, string code, string problem)
    {
        Log.HelloRejected(_logger, RemoteEndPoint, frame.User ?? "(none)", code, problem);
        EnqueueError(frame.Id, code, problem);
    }

    private void HandleSend(ChatSession session, ClientFrame frame)
    {
        var result = _hub.Send(session, frame.Room, frame.Text);
        if (!result.Succeeded)
        {
            ReportProtocolError(frame.Id, result.ErrorCode!, result.Problem!);
            return;
        }

        Enqueue(new ServerFrame { Type = FrameTypes.Ok, Re = frame.Id, Msg = result.Message!.Id, Seq = result.Message.Seq });
    }

    private void HandleWho(ClientFrame frame)
    {
        var users = _hub.Who(frame.Room);
        if (users is null)
        {
            ReportProtocolError(frame.Id, ErrorCodes.NoSuchRoom, $"there is no room '{frame.Room}'");
            return;
        }

        Enqueue(new ServerFrame { Type = FrameTypes.Ok, Re = frame.Id, Room = frame.Room ?? ChatHub.LobbyName, Users = JsonLinesEventEncoder.ToUserInfos(users) });
    }

    private void ReportProtocolError(string? requestId, string code, string message)
    {
        Log.ProtocolError(_logger, Who, code, message);
        EnqueueError(requestId, code, message);
    }

    private void EnqueueError(string? requestId, string code, string message)
        => Enqueue(new ServerFrame { Type = FrameTypes.Error, Re = requestId, Code = code, Message = message });

    /// <summary>Queues a reply for this connection only; a client too far behind to take it is dropped.</summary>
    private void Enqueue(ServerFrame frame)
    {
        var bytes = FrameCodec.EncodeLine(frame);
        if (!_outbox.TryEnqueue(new Outbound(null, bytes), bytes.Length) && Volatile.Read(ref _closing) == 0)
        {
            if (_session is { } session)
            {
                _hub.Leave(session, LeaveReasons.SlowConsumer);
            }

            Log.SlowConsumer(_logger, Who);
            Close(flush: false);
        }
    }
}
