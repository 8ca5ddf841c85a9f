using Microsoft.AspNetCore.Http.Features;

namespace Skuld.Server.Graph.Batch.Internal;

/// <summary>
/// The response side of a batch step: unlike the plain <see cref="HttpResponseFeature"/>, it keeps the
/// OnStarting/OnCompleted callbacks that middleware registers, so they run as they would on a real response.
/// </summary>
internal sealed class SubResponseFeature : HttpResponseFeature
{
    private readonly Stack<(Func<object, Task> Callback, object State)> _onStarting = new();
    private readonly Stack<(Func<object, Task> Callback, object State)> _onCompleted = new();
    private bool _started;

    public override bool HasStarted => _started;

    public override void OnStarting(Func<object, Task> callback, object state) => _onStarting.Push((callback, state));

    public override void OnCompleted(Func<object, Task> callback, object state) => _onCompleted.Push((callback, state));

    /// <summary>Runs the OnStarting callbacks, last registered first, as Kestrel does.</summary>
    public async Task StartAsync()
    {
        while (_onStarting.TryPop(out var entry))
        {
            await entry.Callback(entry.State);
        }

        _started = true;
    }

    public async Task CompleteAsync()
    {
        while (_onCompleted.TryPop(out var entry))
        {
            await entry.Callback(entry.State);
        }
    }
}
