using System.Runtime.InteropServices;
using Coordinator.Bench;
using Coordinator.Bench.Infrastructure;
using Coordinator.Bench.Scenarios;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (HelpRequestedException)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}
catch (ArgumentException ex)
{
    await Console.Error.WriteLineAsync($"{ex.Message}\n\n{BenchOptions.Usage}");
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

try
{
    _ = RepositoryPaths.CoordinatorDll;
    _ = RepositoryPaths.AgentWorkerDll;
    using (var broker = new BrokerManagement())
    {
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, " +
                          $"RabbitMQ {await broker.BrokerVersionAsync()}");
    }
    Console.WriteLine($"command: Coordinator.Bench {string.Join(' ', args)}");
    var runner = new ScenarioRunner(options, Console.Out, stop.Token);
    await runner.RunAsync();
    return 0;
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    await Console.Error.WriteLineAsync("stopped");
    return 130;
}
catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or FileNotFoundException or HttpRequestException)
{
    await Console.Error.WriteLineAsync($"benchmark failed: {ex.Message}");
    return 1;
}
