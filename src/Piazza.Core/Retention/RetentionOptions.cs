namespace Piazza.Core.Retention;

/// <summary>
/// How long messages are kept (docs/operations.md, "Retention"). A room's own setting (its owner's) wins over
/// <see cref="Days"/>; pinned messages are always kept.
/// </summary>
public sealed record RetentionOptions
{
    /// <summary>Days a message is kept on the server; 0 keeps every message for good.</summary>
    public int Days { get; init; }

    /// <summary>How often the background job looks for messages past their retention.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromHours(1);
}
