using System.Text.Json;
using System.Text.Json.Serialization;

namespace Piazza.Protocol;

/// <summary>
/// One conversation's read state (<c>welcome</c>'s <c>conversations</c>, REST <c>GET /api/conversations</c>): its
/// newest <c>seq</c>, the account's <c>read</c> position, <c>unread</c> messages after it not sent by the user, and
/// <c>mentions</c> of the user after it.
/// </summary>
public sealed class ConversationInfo
{
    public string Room { get; set; } = "";
    public long Seq { get; set; }
    public long Read { get; set; }
    public long Unread { get; set; }
    public long Mentions { get; set; }
}

/// <summary>
/// The <c>mentions</c> field, which is a list of keys in a <c>message</c> (<c>["bob"]</c>) and a count in a <c>room</c>
/// frame (<c>2</c>): exactly one of <see cref="Keys"/> and <see cref="Count"/> is set.
/// </summary>
[JsonConverter(typeof(MentionsFieldConverter))]
public sealed class MentionsField
{
    public IReadOnlyList<string>? Keys { get; init; }
    public long? Count { get; init; }

    public static MentionsField? Of(IReadOnlyList<string>? keys) => keys is { Count: > 0 } ? new() { Keys = keys } : null;

    public static MentionsField OfCount(long count) => new() { Count = count };
}

/// <summary>Reads and writes <see cref="MentionsField"/> as a JSON array of strings or a number.</summary>
public sealed class MentionsFieldConverter : JsonConverter<MentionsField>
{
    public override MentionsField? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                return MentionsField.OfCount(reader.GetInt64());
            case JsonTokenType.StartArray:
                var keys = new List<string>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    keys.Add(reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new JsonException("\"mentions\" holds strings"));
                }

                return new MentionsField { Keys = keys };
            default:
                throw new JsonException("\"mentions\" is a list of keys or a count");
        }
    }

    public override void Write(Utf8JsonWriter writer, MentionsField value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        if (value.Keys is { } keys)
        {
            writer.WriteStartArray();
            foreach (var key in keys)
            {
                writer.WriteStringValue(key);
            }

            writer.WriteEndArray();
        }
        else
        {
            writer.WriteNumberValue(value.Count ?? 0);
        }
    }
}
