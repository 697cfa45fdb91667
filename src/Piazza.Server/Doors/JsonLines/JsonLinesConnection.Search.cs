using System.Globalization;
using Piazza.Core;
using Piazza.Core.Search;
using Piazza.Protocol;
using Piazza.Server.Doors.Shared;

namespace Piazza.Server.Doors.JsonLines;

/// <summary>Full-text search (docs/protocol.md, "Search"): the <c>search</c> request.</summary>
public sealed partial class JsonLinesConnection
{
    /// <summary>
    /// <c>{"type":"search","q":"deploy friday","room":"dev","limit":20,"before":N}</c>: answered with
    /// <c>{"type":"ok","re":…,"results":[message + "snippet"],"next":"N"}</c> newest first; <c>next</c> (absent on the
    /// last page) goes back as <c>before</c> (a number) or <c>cursor</c> (the string itself).
    /// </summary>
    private async Task HandleSearchAsync(ChatSession session, ClientFrame frame)
    {
        if (!SearchFrames.TryCursor(frame.Before, frame.Cursor, out var before, out var problem))
        {
            ReportError(frame.Id, new HubError(ErrorCode.BadRequest, problem));
            return;
        }

        var result = await _hub.SearchAsync(session, frame.Q, frame.Room, frame.Limit, before).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            ReportError(frame.Id, result.Error!);
            return;
        }

        // Up to 50 full messages: queued once the outbox has room, as history is, so asking never makes a slow consumer.
        await WaitForCapacityAsync(CancellationToken.None).ConfigureAwait(false);
        Enqueue(new ServerFrame
        {
            Type = FrameTypes.Ok,
            Re = frame.Id,
            Results = SearchFrames.ToResults(result.Value!),
            Next = SearchFrames.ToNext(result.Value!),
        });
    }
}

/// <summary>The wire shape of search results, shared by the line doors and REST.</summary>
public static class SearchFrames
{
    /// <summary>The cursor given as <c>before</c> (a number) or <c>cursor</c> (the <c>next</c> string); false with why when it is not one.</summary>
    public static bool TryCursor(long? before, string? cursor, out long? value, out string problem)
    {
        value = before;
        problem = "";
        if (cursor is null)
        {
            return true;
        }

        if (before is not null || !long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            problem = "\"cursor\" must be the \"next\" of an earlier page (or give it as \"before\")";
            return false;
        }

        value = parsed;
        return true;
    }

    public static IReadOnlyList<ServerFrame> ToResults(SearchPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        return [.. page.Results.Select(r =>
        {
            var frame = MessageJson.ToFrame(r.Message);
            frame.Snippet = r.Snippet;
            return frame;
        })];
    }

    public static string? ToNext(SearchPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        return page.Next?.ToString(CultureInfo.InvariantCulture);
    }
}
