using System.Buffers;

namespace Piazza.Server.Doors.Irc;

/// <summary>
/// An event's IRC lines as encoded once for every connection (the encoder's cached bytes). Each line carries a
/// three-byte header that never reaches the wire: the capability a connection needs to see it, the capability that
/// hides it (its fallback for clients without), and <see cref="IrcLineFlags"/>. <see cref="Write"/> is the per-connection
/// part: it picks the lines and drops the tags the connection did not negotiate, without re-encoding anything.
/// </summary>
public static class IrcWireLines
{
    private const int HeaderBytes = 3;

    /// <summary>Collects lines with their headers; <see cref="Builder.ToArray"/> is the cached encoding.</summary>
    public sealed class Builder
    {
        private readonly ArrayBufferWriter<byte> _bytes = new(256);

        public Builder Add(byte[] line, IrcCap requires = IrcCap.None, IrcCap excludes = IrcCap.None, IrcLineFlags flags = IrcLineFlags.None)
        {
            ArgumentNullException.ThrowIfNull(line);
            var span = _bytes.GetSpan(HeaderBytes + line.Length);
            span[0] = (byte)requires;
            span[1] = (byte)excludes;
            span[2] = (byte)flags;
            line.CopyTo(span[HeaderBytes..]);
            _bytes.Advance(HeaderBytes + line.Length);
            return this;
        }

        public Builder Add(IrcLine line, IrcCap requires = IrcCap.None, IrcCap excludes = IrcCap.None, IrcLineFlags flags = IrcLineFlags.None)
        {
            ArgumentNullException.ThrowIfNull(line);
            return Add(line.ToBytes(), requires, excludes, flags);
        }

        public byte[] ToArray() => _bytes.WrittenSpan.ToArray();
    }

    /// <summary>Writes the lines of <paramref name="encoded"/> that a connection with <paramref name="caps"/> and <paramref name="nick"/> should see.</summary>
    public static void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> encoded, IrcCapSet caps, string nick)
    {
        ArgumentNullException.ThrowIfNull(output);
        while (encoded.Length > HeaderBytes)
        {
            var requires = (IrcCap)encoded[0];
            var excludes = (IrcCap)encoded[1];
            var flags = (IrcLineFlags)encoded[2];
            var end = encoded.IndexOf((byte)'\n');
            var line = end < 0 ? encoded[HeaderBytes..] : encoded[HeaderBytes..(end + 1)];
            encoded = end < 0 ? default : encoded[(end + 1)..];
            if (!caps.Has(requires) || (excludes != IrcCap.None && caps.Has(excludes)))
            {
                continue;
            }

            if (((flags & IrcLineFlags.NotToSelf) != 0 || ((flags & IrcLineFlags.Echo) != 0 && !caps.Has(IrcCap.EchoMessage))) && IsFrom(line, nick))
            {
                continue;
            }

            WriteFilteringTags(output, line, caps);
        }
    }

    /// <summary>Writes one line, keeping only the tags <paramref name="caps"/> allow (<see cref="IrcCapabilities.ForTag"/>).</summary>
    public static void WriteFilteringTags(IBufferWriter<byte> output, ReadOnlySpan<byte> line, IrcCapSet caps)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (line.IsEmpty || line[0] != (byte)'@'
            || (caps.Has(IrcCap.MessageTags) && caps.Has(IrcCap.ServerTime) && caps.Has(IrcCap.AccountTag) && caps.Has(IrcCap.Batch) && caps.Has(IrcCap.LabeledResponse)))
        {
            output.Write(line);
            return;
        }

        var space = line.IndexOf((byte)' ');
        var tags = line[1..space];
        var kept = 0;
        while (!tags.IsEmpty)
        {
            var semicolon = tags.IndexOf((byte)';');
            var tag = semicolon < 0 ? tags : tags[..semicolon];
            tags = semicolon < 0 ? default : tags[(semicolon + 1)..];
            var equals = tag.IndexOf((byte)'=');
            if (caps.Has(IrcCapabilities.ForTag(equals < 0 ? tag : tag[..equals])))
            {
                output.Write(kept++ == 0 ? "@"u8 : ";"u8);
                output.Write(tag);
            }
        }

        if (kept > 0)
        {
            output.Write(" "u8);
        }

        output.Write(line[(space + 1)..]);
    }

    /// <summary>Whether the line's source (<c>:nick!user@host</c>, after any tags) is <paramref name="nick"/>.</summary>
    private static bool IsFrom(ReadOnlySpan<byte> line, string nick)
    {
        if (line.Length > 0 && line[0] == (byte)'@')
        {
            line = line[(line.IndexOf((byte)' ') + 1)..];
        }

        if (line.Length == 0 || line[0] != (byte)':')
        {
            return false;
        }

        var end = line.IndexOfAny((byte)'!', (byte)' ');
        var source = System.Text.Encoding.UTF8.GetString(end < 0 ? line[1..] : line[1..end]);
        return string.Equals(source, nick, StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>What a line is, beyond the capabilities that pick it.</summary>
[Flags]
public enum IrcLineFlags : byte
{
    None = 0,

    /// <summary>A message whose source is its sender: the sender's own connections see it only with echo-message.</summary>
    Echo = 1,

    /// <summary>About its source, who learns it another way (their own JOIN comes with the room's state): never sent to them.</summary>
    NotToSelf = 2,
}
