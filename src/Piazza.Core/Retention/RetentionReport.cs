using Piazza.Core.Storage;

namespace Piazza.Core.Retention;

/// <summary>What one retention run did to one conversation: messages removed, where its history now begins, file shares dropped and files deleted.</summary>
public sealed record ConversationCut(string Conversation, int Days, int Removed, long FirstSeq, int SharesRemoved, IReadOnlyList<ReclaimedFile> Files);

/// <summary>What one retention run did: the conversations it looked at and those it cut.</summary>
public sealed record RetentionReport(int Examined, IReadOnlyList<ConversationCut> Cuts)
{
    public int Removed => Cuts.Sum(c => c.Removed);

    public int FilesReclaimed => Cuts.Sum(c => c.Files.Count);
}

/// <summary>A room's retention as its info shows it: its own setting (null: the server's) and the days in force (0: for good).</summary>
public sealed record RoomRetention(string Room, int? OwnDays, int Days);
