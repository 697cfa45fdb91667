using Piazza.Client;

namespace Piazza.Tui;

/// <summary>Group conversations (<c>@alice,bob,carol</c>): who is in them, as the room list shows them.</summary>
internal sealed partial class ChatState
{
    /// <summary>Finds the group conversation of us and exactly <paramref name="users"/> (any order, any case), or null.</summary>
    public ConversationState? FindGroup(IReadOnlyList<string> users)
    {
        var wanted = users.Select(u => u.ToLowerInvariant()).Order(StringComparer.Ordinal).ToList();
        return _conversations.Find(c => c.IsGroup && c.Group is { } group
            && group.Select(u => u.ToLowerInvariant()).Order(StringComparer.Ordinal).SequenceEqual(wanted, StringComparer.Ordinal));
    }

    /// <summary>The group conversation <paramref name="id"/>, its participants other than us named <paramref name="others"/> (as typed or received).</summary>
    public ConversationState EnsureGroup(string id, IReadOnlyList<string> others)
    {
        var conversation = Ensure(id);
        var named = others.Where(n => !string.Equals(n, Self, StringComparison.OrdinalIgnoreCase)).ToList();
        if (conversation.Group is null || !conversation.Group.SequenceEqual(named, StringComparer.Ordinal))
        {
            conversation.Group = named;
            ConversationsChanged?.Invoke();
        }

        return conversation;
    }

    /// <summary>A group message's conversation: the sender and the others in <c>to</c>, less us.</summary>
    private ConversationState EnsureGroup(ChatMessage message)
        => EnsureGroup(message.Conversation, [.. new[] { message.From }.Concat(message.Group ?? []).Order(StringComparer.OrdinalIgnoreCase)]);

    /// <summary>The names in a group id other than ours (keys: folded names, a guest's <c>~name~random</c>).</summary>
    private List<string> OthersFromId(string id)
        => [.. id[1..].Split(',').Select(NameOfKey).Where(n => n != Self.ToLowerInvariant())];
}
