namespace Skuld.Store.Processing;

/// <summary>
/// In-process wake-up for the license worker: callers <see cref="Notify"/> after committing work, and
/// the worker waits on it with a short poll fallback, so work other processes enqueued is found too.
/// Register one instance as a singleton.
/// </summary>
public sealed class LicenseWorkSignal : IDisposable
{
    private readonly SemaphoreSlim signal = new(0, 1);

    public void Notify()
    {
        // At most one pending wake-up: a worker that wakes drains all work anyway.
        try
        {
            signal.Release();
        }
        catch (SemaphoreFullException)
        {
        }
    }

    public void Dispose() => signal.Dispose();

    /// <summary>Waits until notified or until <paramref name="poll"/> passes; true when notified.</summary>
    public Task<bool> WaitAsync(TimeSpan poll, CancellationToken ct) => signal.WaitAsync(poll, ct);
}
