using System.Reflection;
using System.Runtime.ExceptionServices;
using Piazza.Core.Storage;

namespace Piazza.IntegrationTests.Infrastructure;

/// <summary>
/// A store in front of a real one whose next <see cref="ISequencingStore.AppendAssigningAsync"/> commits and then
/// fails, as a connection lost while COMMIT was on its way back does: the messages are stored, the node hears an error.
/// Every other call goes straight through.
/// </summary>
public class LostCommitStore : DispatchProxy
{
    private IChatStore _inner = null!;
    private int _loseNext;

    /// <summary>How many appends committed with their answer lost.</summary>
    public int Lost { get; private set; }

    public static (IChatStore Store, LostCommitStore Control) Wrap(IChatStore inner)
    {
        var store = DispatchProxy.Create<IChatStore, LostCommitStore>();
        var control = (LostCommitStore)(object)store;
        control._inner = inner;
        return (store, control);
    }

    /// <summary>The next append commits, then fails.</summary>
    public void LoseNextAnswer() => Interlocked.Exchange(ref _loseNext, 1);

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        object? result;
        try
        {
            result = targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }

        return targetMethod.Name == nameof(ISequencingStore.AppendAssigningAsync) && Interlocked.Exchange(ref _loseNext, 0) == 1
            ? LoseAnswerAsync((Task<IReadOnlyList<AppendedMessage>>)result!)
            : result;
    }

    private async Task<IReadOnlyList<AppendedMessage>> LoseAnswerAsync(Task<IReadOnlyList<AppendedMessage>> committing)
    {
        await committing.ConfigureAwait(false);
        Lost++;
        throw new IOException("the connection was lost after COMMIT was sent (the test's store)");
    }
}
