using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Piazza.IntegrationTests;

/// <summary>
/// Random hostile input for the live fuzz test, from a seeded <see cref="Random"/> so a run can be repeated: raw
/// bytes, random JSON (deep, huge numbers, wrong types, duplicate keys, bad escapes) and valid frames with random
/// fields. Every line is returned without its terminator and never contains '\n'.
/// </summary>
internal sealed class HostileInput(Random random)
{
    private static readonly string[] Fields =
    [
        "type", "id", "user", "protocol", "room", "text", "password", "newPassword", "token", "resume", "to", "with",
        "before", "after", "limit", "topic", "client", "Type", "x",
    ];

    // Never bye or logout: those end the connection on purpose, which is not what is being tested.
    private static readonly string[] Types =
    [
        "hello", "register", "send", "who", "ping", "pong", "join", "leave", "rooms", "topic", "history", "password",
        "welcome", "message", "error", "", "HELLO", "nonsense",
    ];

    private static readonly string[] Rooms = ["lobby", "LOBBY", "l0bby", "fuzz", "Fuzz-Room", "café", "cafe\u0301", "lоbby", "@watcher,sender", "", "a b"];

    private static readonly string[] Users = ["watcher", "sender", "WATCHER", "wаtcher", "watcher\u200B", "nobody", "server", "", "ѕеndеr"];

    private static readonly string[] Texts =
    [
        "hi", "", " ", "two\nlines", "tab\there", "bell\u0007", "esc\u001B[2J", "cr\r", "nul\u0000", "c1\u0085",
        "שלום \u202Eevil", "👨\u200D👩\u200D👧", new string('x', 5_000), "ok\u2066isolated\u2069",
    ];

    private static readonly byte[] JsonBytes = "{}[]\":,\\ 0123456789.-etrufalsn"u8.ToArray();

    public byte[] RandomBytes()
    {
        var length = random.Next(1, 300);
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = random.Next(4) switch
            {
                0 => (byte)random.Next(256),
                1 => JsonBytes[random.Next(JsonBytes.Length)],
                2 => (byte)random.Next(0x80, 0x100),
                _ => (byte)random.Next(0x20, 0x7F),
            };
        }

        return Sanitize(bytes);
    }

    public byte[] RandomJson() => Sanitize(Encoding.UTF8.GetBytes(JsonObjectText(depth: random.Next(0, 4), topLevel: true)));

    public byte[] RandomValidFrame()
    {
        var type = random.Next(10) switch
        {
            0 => "hello",
            1 or 2 => "send",
            3 => "join",
            4 => "leave",
            5 => "who",
            6 => "history",
            7 => "topic",
            8 => "rooms",
            _ => "register",
        };
        var frame = new Dictionary<string, object?> { ["type"] = type, ["id"] = "v" + random.Next(1000) };
        switch (type)
        {
            case "hello" or "register":
                frame["user"] = random.Next(3) == 0 ? RandomString() : Pick(Users) + random.Next(3);
                frame["password"] = random.Next(2) == 0 ? null : "correct horse battery";
                break;
            case "send":
                frame["text"] = random.Next(4) == 0 ? RandomString() : Pick(Texts);
                if (random.Next(4) == 0)
                {
                    frame["to"] = Pick(Users);
                }
                else
                {
                    frame["room"] = Pick(Rooms);
                }

                break;
            case "history":
                frame["room"] = Pick(Rooms);
                frame["limit"] = random.Next(3) == 0 ? random.Next(int.MinValue, int.MaxValue) : random.Next(1, 50);
                frame[random.Next(2) == 0 ? "before" : "after"] = random.NextInt64(-5, long.MaxValue);
                break;
            case "topic":
                frame["room"] = Pick(Rooms);
                frame["topic"] = Pick(Texts);
                break;
            default:
                frame["room"] = random.Next(3) == 0 ? RandomString() : Pick(Rooms);
                break;
        }

        return JsonSerializer.SerializeToUtf8Bytes(frame);
    }

    /// <summary>A line the framer hands over whole: no '\n', and not blank once a trailing '\r' is dropped.</summary>
    private static byte[] Sanitize(byte[] bytes)
    {
        var line = bytes.Where(b => b != (byte)'\n').ToArray();
        return line.Length == 0 || line is [(byte)'\r'] ? [(byte)'x'] : line;
    }

    private T Pick<T>(T[] items) => items[random.Next(items.Length)];

    private string RandomString()
    {
        var builder = new StringBuilder();
        var length = random.Next(0, 12);
        for (var i = 0; i < length; i++)
        {
            builder.Append(random.Next(5) switch
            {
                0 => (char)random.Next(0x20),
                1 => (char)random.Next(0x80, 0x800),
                2 => (char)random.Next(0x2000, 0x2070),
                3 => char.ConvertFromUtf32(random.Next(0x1F600, 0x1F650)),
                _ => (char)random.Next('a', 'z' + 1),
            });
        }

        return builder.ToString();
    }

    private string JsonScalar() => random.Next(9) switch
    {
        0 => JsonSerializer.Serialize(RandomString()),
        1 => JsonSerializer.Serialize(Pick(Types)),
        2 => JsonSerializer.Serialize(Pick(Rooms)),
        3 => random.NextInt64(long.MinValue, long.MaxValue).ToString(CultureInfo.InvariantCulture),
        4 => Pick(["1e309", "-0", "123456789012345678901234567890", "0.5", "true", "false", "null", "01", "NaN"]),
        5 => Pick(["\"\\ud800\"", "\"\\udfff\\ud800\"", "\"\\u0000\"", "\"\\x\"", "\"unterminated"]),
        6 => JsonSerializer.Serialize(Pick(Texts)),
        7 => new string('[', random.Next(10, 80)) + new string(']', random.Next(10, 80)),
        _ => JsonSerializer.Serialize(Pick(Users)),
    };

    private string JsonObjectText(int depth, bool topLevel)
    {
        var members = new List<string>();
        if (topLevel && random.Next(4) != 0)
        {
            members.Add("\"type\":" + JsonSerializer.Serialize(Pick(Types)));
        }

        var count = random.Next(0, 5);
        for (var i = 0; i < count; i++)
        {
            members.Add($"\"{Pick(Fields)}\":{JsonValue(depth)}");
        }

        var text = "{" + string.Join(',', members.OrderBy(_ => random.Next())) + "}";
        return random.Next(12) == 0 ? text[..random.Next(text.Length)] : text; // sometimes cut short
    }

    private string JsonValue(int depth) => depth <= 0 ? JsonScalar() : random.Next(4) switch
    {
        0 => JsonObjectText(depth - 1, topLevel: false),
        1 => "[" + string.Join(',', Enumerable.Range(0, random.Next(0, 4)).Select(_ => JsonValue(depth - 1))) + "]",
        _ => JsonScalar(),
    };
}
