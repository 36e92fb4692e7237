using System.Diagnostics;
using System.Net;

namespace Coordinator.IntegrationTests.Infrastructure;

/// <summary>
/// A client submitting a task every <c>every</c> until stopped, as one behind a load balancer over several coordinators
/// would: each task with its own id, sent to the first coordinator that takes it and sent again (the same id: taken once)
/// while none does. Bounded: it stops by itself after <c>limit</c>, and a task no coordinator takes within 90 s fails it.
/// </summary>
public sealed class SteadyLoad
{
    readonly Func<IReadOnlyList<CoordinatorApi>> _coordinators;
    readonly CancellationTokenSource _stop = new();
    readonly List<string> _accepted = [];
    readonly Task _running;
    int _refused;

    public SteadyLoad(string prefix, Func<IReadOnlyList<CoordinatorApi>> coordinators, TimeSpan every, TimeSpan limit, int sleepMs = 300)
    {
        _coordinators = coordinators;
        _stop.CancelAfter(limit);
        _running = RunAsync(prefix, every, sleepMs);
    }

    /// <summary>Submissions a coordinator refused or did not answer, each sent again.</summary>
    public int Refused => Volatile.Read(ref _refused);

    public int Count
    {
        get
        {
            lock (_accepted)
                return _accepted.Count;
        }
    }

    /// <summary>Stops submitting; every id a coordinator accepted.</summary>
    public async Task<IReadOnlyList<string>> StopAsync()
    {
        _stop.Cancel();
        await _running;
        lock (_accepted)
            return [.. _accepted];
    }

    async Task RunAsync(string prefix, TimeSpan every, int sleepMs)
    {
        for (var i = 0; !_stop.IsCancellationRequested; i++)
        {
            var id = $"{prefix}-{i}";
            await SubmitAsync(id, sleepMs);
            lock (_accepted)
                _accepted.Add(id);
            try
            {
                await Task.Delay(every, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    async Task SubmitAsync(string id, int sleepMs)
    {
        var clock = Stopwatch.StartNew();
        for (var turn = 0; ; turn++)
        {
            var coordinators = _coordinators();
            var api = coordinators[turn % coordinators.Count];
            try
            {
                var (status, body) = await api.PostTaskAsync(new { taskId = id, taskType = "sleep", payload = new { ms = sleepMs } });
                if (status == HttpStatusCode.Accepted)
                    return;
                if ((int)status < 500)
                    throw new InvalidOperationException($"task {id} refused: {(int)status} {body}");
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
            {
                // that coordinator is gone (killed) or busy: the next one
            }
            Interlocked.Increment(ref _refused);
            if (clock.Elapsed > TimeSpan.FromSeconds(90))
                throw new TimeoutException($"task {id} not accepted by any coordinator within 90 s");
            await Task.Delay(100);
        }
    }
}
