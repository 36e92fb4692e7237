using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Agents;

public sealed class When_an_agent_is_long_gone
{
    [Fact]
    public async Task It_is_forgotten_after_the_retention_and_may_register_afresh()
    {
        await using var system = await TestSystem.StartAsync(coordinatorSettings: new() { ["Coordinator__AgentRetention"] = "00:00:03" });
        var agent = (await system.StartActiveAgentsAsync(("leaver", [])))[0];
        await system.StartActiveAgentsAsync(("stayer", []));

        agent.Terminate();
        var left = await system.WaitForStateAsync("leaver", "Unregistered");
        await Eventually.Until(() => system.Api.AgentAsync("leaver"), a => a is null, TimeSpan.FromSeconds(20), "the leaver to be forgotten",
            system.Diagnostics);

        Assert.True(DateTimeOffset.UtcNow - left.UpdatedAt >= TimeSpan.FromSeconds(3), "not before the retention");
        Assert.Equal("Active", (await system.Api.AgentAsync("stayer"))?.State);
        Assert.Contains("Forgot 1 agent(s) Failed or Unregistered", system.Coordinator.Output);
        await system.StartActiveAgentsAsync(("leaver", []));
    }
}
