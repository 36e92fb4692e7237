using CoordinatorCli.Api;
using CoordinatorCli.Hosting;
using Spectre.Console;

namespace CoordinatorCli.Tasks;

/// <summary>
/// Polls GET /api/tasks/{id} for every task not yet terminal, every <see cref="CliEnvironment.PollInterval"/>,
/// until all are terminal or the timeout passes. A 404 means "not in the ledger yet" and is polled again;
/// a coordinator unreachable for <see cref="MaxFailedRounds"/> rounds in a row ends the wait with its error.
/// Shows a progress bar on a terminal, occasional "N/M done" lines otherwise.
/// </summary>
public sealed class TaskWaiter(CliEnvironment environment)
{
    public const int MaxFailedRounds = 5;
    const int Parallelism = 8;
    static readonly TimeSpan PlainProgressEvery = TimeSpan.FromSeconds(10);

    public async Task<WaitOutcome> WaitAsync(CoordinatorClient client, IReadOnlyList<string> taskIds, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (environment.IsInteractive && taskIds.Count > 1)
        {
            WaitOutcome? outcome = null;
            await environment.Out.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async context =>
                {
                    var bar = context.AddTask($"0/{taskIds.Count} done", maxValue: taskIds.Count);
                    outcome = await PollAsync(client, taskIds, timeout, done =>
                    {
                        bar.Value = done;
                        bar.Description = $"{done}/{taskIds.Count} done";
                    }, cancellationToken);
                });
            return outcome!;
        }

        environment.Out.WriteLine($"waiting for {taskIds.Count} task(s), up to {timeout.TotalSeconds:0} s ...");
        var lastReported = environment.Time.GetUtcNow();
        var lastDone = 0;
        return await PollAsync(client, taskIds, timeout, done =>
        {
            var now = environment.Time.GetUtcNow();
            if (done != lastDone && now - lastReported >= PlainProgressEvery && done < taskIds.Count)
            {
                environment.Out.WriteLine($"{done}/{taskIds.Count} done");
                lastReported = now;
                lastDone = done;
            }
        }, cancellationToken);
    }

    async Task<WaitOutcome> PollAsync(CoordinatorClient client, IReadOnlyList<string> taskIds, TimeSpan timeout,
        Action<int> reportDone, CancellationToken cancellationToken)
    {
        var last = taskIds.Distinct().ToDictionary(id => id, _ => (TaskView?)null);
        var giveUpAt = environment.Time.GetUtcNow() + timeout;
        var failedRounds = 0;
        while (true)
        {
            var open = last.Where(t => !TaskStatuses.IsTerminal(t.Value?.Status)).Select(t => t.Key).ToList();
            try
            {
                await Parallel.ForEachAsync(open, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                    async (taskId, ct) =>
                    {
                        var view = await client.FindTaskAsync(taskId, ct);
                        lock (last)
                        {
                            last[taskId] = view ?? last[taskId];
                        }
                    });
                failedRounds = 0;
            }
            catch (CoordinatorUnreachableException) when (++failedRounds < MaxFailedRounds)
            {
                // A restart or a blip: try again next round; the error surfaces if it persists.
            }

            var done = last.Count(t => TaskStatuses.IsTerminal(t.Value?.Status));
            reportDone(done);
            if (done == last.Count)
            {
                return Outcome(taskIds, last, timedOut: false, timeout);
            }

            var remaining = giveUpAt - environment.Time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return Outcome(taskIds, last, timedOut: true, timeout);
            }

            await environment.WaitAsync(remaining < environment.PollInterval ? remaining : environment.PollInterval, cancellationToken);
        }
    }

    static WaitOutcome Outcome(IReadOnlyList<string> taskIds, Dictionary<string, TaskView?> last, bool timedOut, TimeSpan timeout) => new()
    {
        Tasks = taskIds.Distinct().Select(id => new KeyValuePair<string, TaskView?>(id, last[id])).ToList(),
        TimedOut = timedOut,
        Timeout = timeout,
    };
}
