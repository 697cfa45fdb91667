using Piazza.Protocol;

namespace Piazza.Core.Conversations;

/// <summary>
/// The one check of a group send's <c>to</c> list: 2 to <see cref="MaxOthers"/> user names, each once (folded),
/// the sender not among them. Participants are fixed by the list: a different set is a different conversation
/// (its id is <see cref="DirectConversationId.ForGroup"/> of every participant's identity key).
/// </summary>
public static class GroupConversationRule
{
    /// <summary>Most participants besides the sender.</summary>
    public const int MaxOthers = DirectConversationId.MaxParticipants - 1;

    /// <summary>The folded names, in the order given; or <c>bad_request</c> saying what is wrong with the list.</summary>
    public static HubResult<IReadOnlyList<string>> Check(IReadOnlyList<string> names, string senderName)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(senderName);
        if (names.Count is < 2 or > MaxOthers)
        {
            return new HubError(ErrorCode.BadRequest, names.Count < 2
                ? "a group conversation names 2 to 9 others in \"to\" (for one person, give \"to\" as a string)"
                : $"a group conversation has at most {MaxOthers} others besides you ({names.Count} given)");
        }

        var self = UserNamePolicy.Fold(senderName);
        var folded = new List<string>(names.Count);
        foreach (var name in names)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                return new HubError(ErrorCode.BadRequest, "every name in \"to\" must be a non-empty string");
            }

            var key = UserNamePolicy.Fold(name);
            if (key == self)
            {
                return new HubError(ErrorCode.BadRequest, "leave yourself out of \"to\": the sender is always in the conversation");
            }

            if (folded.Contains(key))
            {
                return new HubError(ErrorCode.BadRequest, $"\"to\" names '{name}' more than once");
            }

            folded.Add(key);
        }

        return HubResult<IReadOnlyList<string>>.Ok(folded);
    }
}
