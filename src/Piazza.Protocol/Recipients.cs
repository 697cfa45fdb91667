using System.Text.Json;
using System.Text.Json.Serialization;

namespace Piazza.Protocol;

/// <summary>
/// The <c>to</c> of a frame: one user name (<c>"to":"bob"</c>, a two-person conversation) or a list of names
/// (<c>"to":["bob","carol"]</c>, a group conversation). Written back in the form it was made in. A string converts
/// to the one-name form, so <c>To = "bob"</c> reads as before.
/// </summary>
[JsonConverter(typeof(RecipientsConverter))]
public sealed class Recipients
{
    private Recipients(string? single, IReadOnlyList<string> names)
    {
        Single = single;
        Names = names;
    }

    /// <summary>The one name of the two-person form; null for a list.</summary>
    public string? Single { get; }

    /// <summary>Every name: the one of the two-person form, or the list as given.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>True for the list form (a group conversation), even with one name in it.</summary>
    public bool IsList => Single is null;

    public static Recipients One(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return new Recipients(name, [name]);
    }

    public static Recipients Many(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        return new Recipients(null, [.. names]);
    }

    public static implicit operator Recipients?(string? name) => name is null ? null : One(name);

    public static Recipients? FromString(string? name) => name;

    public override string ToString() => Single ?? string.Join(",", Names);
}

/// <summary>Reads and writes <see cref="Recipients"/>: a JSON string or an array of strings; anything else is refused.</summary>
public sealed class RecipientsConverter : JsonConverter<Recipients>
{
    /// <summary>Most names a list may hold on the wire; the server's own rule is narrower (a group has 2 to 9 others).</summary>
    public const int MaxNames = 64;

    public override Recipients? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                return Recipients.One(reader.GetString()!);
            case JsonTokenType.StartArray:
                var names = new List<string>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.String || names.Count == MaxNames)
                    {
                        throw new JsonException(names.Count == MaxNames ? "too many names" : "a name must be a string");
                    }

                    names.Add(reader.GetString()!);
                }

                return Recipients.Many(names);
            default:
                throw new JsonException("\"to\" is a name or a list of names");
        }
    }

    public override void Write(Utf8JsonWriter writer, Recipients value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        if (value.Single is { } single)
        {
            writer.WriteStringValue(single);
            return;
        }

        writer.WriteStartArray();
        foreach (var name in value.Names)
        {
            writer.WriteStringValue(name);
        }

        writer.WriteEndArray();
    }
}
