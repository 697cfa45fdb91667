using System.Text.Json;
using Piazza.Core;
using Piazza.Core.Storage;
using Piazza.Protocol;
using Piazza.Server.Doors.Http;
using Piazza.Server.Doors.Shared;

namespace Piazza.Server.Keep;

/// <summary>
/// One account's own data as JSON, for a records request or moving away: the account (never its password hash or
/// tokens), its room memberships and private conversations, the files it uploaded, and the messages it sent in every
/// conversation. Only messages it sent: nothing others wrote, in its conversations or anyone else's, is in it.
/// </summary>
internal static class UserExport
{
    public const string Format = "piazza-user-export";

    public static async Task WriteJsonAsync(IChatStore store, AccountRecord account, Stream output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(account);
        var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = false });
        await using (json.ConfigureAwait(false))
        {
            json.WriteStartObject();
            json.WriteString("format", Format);
            json.WriteNumber("version", 1);
            json.WriteString("exportedAt", WireTimestamp.Format(DateTimeOffset.UtcNow));
            json.WritePropertyName("account");
            JsonSerializer.Serialize(json, new ExportedAccount(account.Name, account.Key, WireTimestamp.Format(account.CreatedAt), account.Bot), KeepJsonContext.Default.ExportedAccount);

            json.WriteStartArray("rooms");
            foreach (var room in await store.RoomsOfAsync(account.Key, ct).ConfigureAwait(false))
            {
                json.WriteStringValue(room);
            }

            json.WriteEndArray();
            json.WriteStartArray("privateConversations");
            foreach (var conversation in await store.ConversationsOfAsync(account.Key, int.MaxValue, ct).ConfigureAwait(false))
            {
                json.WriteStringValue(conversation);
            }

            json.WriteEndArray();
            await WriteFilesAsync(store, account.Key, json, ct).ConfigureAwait(false);
            await WriteMessagesAsync(store, account.Key, json, ct).ConfigureAwait(false);
            json.WriteEndObject();
        }
    }

    private static async Task WriteFilesAsync(IChatStore store, string owner, Utf8JsonWriter json, CancellationToken ct)
    {
        json.WriteStartArray("files");
        for (string? after = null; ;)
        {
            var page = await store.FilesOfOwnerAsync(owner, after, RoomExport.PageSize, ct).ConfigureAwait(false);
            if (page.Count == 0)
            {
                break;
            }

            foreach (var f in page)
            {
                JsonSerializer.Serialize(json, new ExportedFile(f.Id, f.Name, f.Size, f.Mime, f.Sha256, WireTimestamp.Format(f.CreatedAt)), KeepJsonContext.Default.ExportedFile);
            }

            after = page[^1].Id;
        }

        json.WriteEndArray();
        json.WriteStartArray("unfinishedUploads");
        foreach (var u in await store.UnfinishedUploadsAsync(owner, ct).ConfigureAwait(false))
        {
            JsonSerializer.Serialize(json, new ExportedUpload(u.Id, u.Name, u.Length, WireTimestamp.Format(u.CreatedAt)), KeepJsonContext.Default.ExportedUpload);
        }

        json.WriteEndArray();
    }

    /// <summary>The account's messages in every conversation, grouped by conversation, each in the REST history's shape.</summary>
    private static async Task WriteMessagesAsync(IChatStore store, string accountKey, Utf8JsonWriter json, CancellationToken ct)
    {
        json.WriteStartArray("messages");
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        for (MessagePosition? after = null; ;)
        {
            var page = await store.MessagesOfSenderAsync(accountKey, after, RoomExport.PageSize, ct).ConfigureAwait(false);
            if (page.Count == 0)
            {
                break;
            }

            foreach (var message in page)
            {
                var key = message.Conversation;
                if (!names.TryGetValue(key, out var name))
                {
                    // A room shows by its name (its key if it is gone); a private conversation by its id.
                    name = key.StartsWith('@') ? key : (await store.FindRoomAsync(key, ct).ConfigureAwait(false))?.Name ?? key;
                    names[key] = name;
                }

                JsonSerializer.Serialize(json, MessageJson.ToFrame(ChatHub.AsDelivered(message, key, name)), ApiJsonContext.Default.ServerFrame);
            }

            await json.FlushAsync(ct).ConfigureAwait(false);
            after = new MessagePosition(page[^1].Conversation, page[^1].Seq);
        }

        json.WriteEndArray();
    }
}
