using Piazza.Client;

namespace Piazza.Tui;

internal sealed partial class ConversationState
{
    /// <summary>How long the room keeps its messages (from its room state and <see cref="RetentionChanged"/>); null when unknown.</summary>
    public RoomRetention? Retention { get; set; }
}
