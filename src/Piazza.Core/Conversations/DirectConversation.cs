using Piazza.Core.Ports;

namespace Piazza.Core.Conversations;

/// <summary>A private conversation between two identities; delivered to every connection of both.</summary>
internal sealed class DirectConversation(string key, IMessageSequence sequence, TimeProvider time) : Conversation(key, key, sequence, time)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _names = new(StringComparer.Ordinal);

    /// <summary>The display name of a participant, once a send resolved it (so later sends need no store read).</summary>
    public string? NameOf(string identityKey) => _names.GetValueOrDefault(identityKey);

    public void LearnName(string identityKey, string name) => _names[identityKey] = name;
}
