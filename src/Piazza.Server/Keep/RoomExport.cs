using System.Globalization;
using System.Text;
using System.Text.Json;
using Piazza.Core;
using Piazza.Core.Storage;
using Piazza.Protocol;
using Piazza.Server.Doors.Http;
using Piazza.Server.Doors.Shared;

namespace Piazza.Server.Keep;

/// <summary>
/// A room's history as JSON (each message in the REST history's shape, <see cref="MessageJson"/>) or as readable
/// text, one page of the store at a time.
/// </summary>
internal static class RoomExport
{
    public const string Format = "piazza-room-export";

    /// <summary>Messages read from the store at a time: the export holds one page in memory, whatever the room's size.</summary>
    public const int PageSize = 500;

    public static async Task WriteJsonAsync(IChatStore store, RoomRecord room, Stream output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(room);
        var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = false });
        await using (json.ConfigureAwait(false))
        {
            json.WriteStartObject();
            json.WriteString("format", Format);
            json.WriteNumber("version", 1);
            json.WriteString("exportedAt", WireTimestamp.Format(DateTimeOffset.UtcNow));
            json.WriteString("room", room.Name);
            if (room.Topic is { } topic)
            {
                json.WriteString("topic", topic);
            }

            json.WriteBoolean("private", room.Private);
            json.WriteStartArray("messages");
            await foreach (var page in PagesAsync(store, room.Key, ct).ConfigureAwait(false))
            {
                foreach (var message in page)
                {
                    JsonSerializer.Serialize(json, MessageJson.ToFrame(ChatHub.AsDelivered(message, room.Key, room.Name)), ApiJsonContext.Default.ServerFrame);
                }

                await json.FlushAsync(ct).ConfigureAwait(false);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }
    }

    public static async Task WriteTextAsync(IChatStore store, RoomRecord room, Stream output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(room);
        var text = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 64 * 1024, leaveOpen: true);
        await using (text.ConfigureAwait(false))
        {
            await text.WriteLineAsync($"# Piazza export of #{PrintableText.Escape(room.Name)}, {WireTimestamp.Format(DateTimeOffset.UtcNow)}").ConfigureAwait(false);
            if (room.Topic is { } topic)
            {
                await text.WriteLineAsync($"# topic: {PrintableText.Escape(topic)}").ConfigureAwait(false);
            }

            long count = 0;
            await foreach (var page in PagesAsync(store, room.Key, ct).ConfigureAwait(false))
            {
                foreach (var message in page)
                {
                    await text.WriteLineAsync(TextLine(message)).ConfigureAwait(false);
                    count++;
                }

                await text.FlushAsync(ct).ConfigureAwait(false);
            }

            await text.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"# {count} message(s)")).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One message on one line: time, seq, sender, then its text (escaped: no line breaks or terminal controls), with
    /// what the store keeps about it marked: deleted, edited, the file it carries.
    /// </summary>
    public static string TextLine(StoredMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var line = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{WireTimestamp.Format(message.Timestamp)} #{message.Seq} <{PrintableText.Escape(message.From)}>");
        if (message.DeletedBy is { } by)
        {
            return line.Append(CultureInfo.InvariantCulture, $" [deleted by {PrintableText.Escape(by)}]").ToString();
        }

        if (message.EditedAt is { } edited)
        {
            line.Append(CultureInfo.InvariantCulture, $" [edited {WireTimestamp.Format(edited)}]");
        }

        if (message.Text.Length > 0)
        {
            line.Append(' ').Append(PrintableText.Escape(message.Text));
        }

        if (message.File is { } file)
        {
            line.Append(CultureInfo.InvariantCulture, $" [file {PrintableText.Escape(file.Name)}, {file.Size} bytes, id {file.Id}]");
        }

        return line.ToString();
    }

    /// <summary>Every message of a conversation in seq order, a page at a time.</summary>
    public static async IAsyncEnumerable<IReadOnlyList<StoredMessage>> PagesAsync(IChatStore store, string conversation, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        for (var after = 0L; ;)
        {
            var page = await store.ReadAfterAsync(conversation, after, PageSize, ct).ConfigureAwait(false);
            if (page.Count == 0)
            {
                yield break;
            }

            yield return page;
            after = page[^1].Seq;
        }
    }
}
