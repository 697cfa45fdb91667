using System.Text;

namespace Piazza.Core.Messaging;

/// <summary>
/// The one rule of mentions (docs/protocol.md, "Mentions"): an <c>@name</c> token is an <c>@</c> at the start of the
/// text or after a character that cannot be in a name, followed by the longest run of name characters (letters, digits,
/// '_', '-', '.'); a run ending in '.', '-' or '_' also tries the name without them ("@bob." names bob). A token names a
/// member of the conversation case-insensitively (folded as names are). In a room, <c>@room</c> mentions every member
/// (<see cref="Everyone"/> in the list) when the sender may say it (<see cref="MayMentionEveryone"/>); otherwise it is
/// just text. This class only reads the text; who is a member is decided by <see cref="MentionResolver"/>.
/// </summary>
public static class MentionRule
{
    /// <summary>The entry of a message's mentions that means every member of the room.</summary>
    public const string Everyone = "@room";

    /// <summary>The token (without its <c>@</c>) that mentions the whole room.</summary>
    public const string RoomToken = "room";

    /// <summary>Rooms with more members than this accept <c>@room</c> from their moderators only.</summary>
    public const int OpenRoomMentionMembers = 20;

    /// <summary>Most distinct names one message may mention; further tokens are just text.</summary>
    public const int MaxNames = 20;

    /// <summary>Whether <c>@room</c> mentions everyone: any member in a room of up to <see cref="OpenRoomMentionMembers"/> members, moderators above that.</summary>
    public static bool MayMentionEveryone(bool isModerator, int members) => isModerator || members <= OpenRoomMentionMembers;

    /// <summary>
    /// The tokens of <paramref name="text"/>: each a list of candidate folded names (the run, then the run with its
    /// trailing punctuation trimmed), in order of appearance, distinct, at most <see cref="MaxNames"/>; and whether
    /// <c>@room</c> appears (it is not among the names).
    /// </summary>
    public static (IReadOnlyList<string[]> Names, bool Room) Tokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var names = new List<string[]>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var room = false;
        var previousIsName = false;
        var i = 0;
        while (i < text.Length && names.Count < MaxNames)
        {
            if (!Rune.TryGetRuneAt(text, i, out var rune))
            {
                previousIsName = false;
                i++;
                continue;
            }

            if (rune.Value == '@' && !previousIsName)
            {
                var start = i + 1;
                var end = start;
                while (end < text.Length && Rune.TryGetRuneAt(text, end, out var next) && IsNameRune(next))
                {
                    end += next.Utf16SequenceLength;
                }

                if (end > start)
                {
                    var run = UserNamePolicy.Fold(text[start..end]);
                    var trimmed = run.TrimEnd('.', '-', '_');
                    if (run == RoomToken || trimmed == RoomToken)
                    {
                        room = true;
                    }
                    else if (seen.Add(run))
                    {
                        names.Add(trimmed.Length > 0 && trimmed != run ? [run, trimmed] : [run]);
                    }
                }

                previousIsName = true; // "@@bob" and "a@@b" mention nobody: an '@' never starts the next token
                i = end;
                continue;
            }

            previousIsName = rune.Value == '@' || IsNameRune(rune);
            i += rune.Utf16SequenceLength;
        }

        return (names, room);
    }

    /// <summary>A character a name may hold (<see cref="Protocol.NameSyntax"/>): letters, digits, '_', '-', '.'.</summary>
    public static bool IsNameRune(Rune rune) => Rune.IsLetterOrDigit(rune) || rune.Value is '_' or '-' or '.';
}
