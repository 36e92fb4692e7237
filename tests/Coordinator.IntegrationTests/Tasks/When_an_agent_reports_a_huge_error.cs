using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Tasks;

public sealed class When_an_agent_reports_a_huge_error
{
    [Fact]
    public async Task It_is_recorded_cut_to_size_on_postgres_and_the_ledger_keeps_going()
    {
        await using var system = await TestSystem.StartAsync(postgres: true, coordinatorSettings: new() { ["Coordinator__MaxRetries"] = "1" });
        await system.StartActiveAgentsAsync(("verbose", []));

        var huge = await system.Api.SubmitAsync(new { taskType = "fail", payload = new { message = new string('x', 20_000) } });
        var after = await system.Api.SubmitAsync(new { taskType = "echo", payload = "next" });

        var failed = await system.WaitForTaskAsync(huge, "DeadLettered");
        Assert.InRange(failed.Error!.Length, 8000, 8192);
        Assert.EndsWith("…", failed.Error);
        await system.WaitForTaskAsync(after, "Completed");
        // Written, not only answered from the ledger's unwritten batch: the list reads the database.
        await Eventually.Until(async () => (await system.Api.TasksAsync()).Count(t => t.Status is "Completed" or "DeadLettered"), n => n == 2,
            TimeSpan.FromSeconds(20), "both tasks written to PostgreSQL", system.Diagnostics);
    }
}
