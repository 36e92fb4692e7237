using System.Diagnostics;
using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Agents;

public sealed class When_a_provisioned_agent_fails
{
    [Fact]
    public async Task The_coordinator_restarts_it()
    {
        await using var system = await TestSystem.StartAsync(coordinatorSettings: new()
        {
            ["Provisioning__Enabled"] = "true",
            ["Provisioning__Agents__0__AgentId"] = "managed",
            ["Provisioning__RestartBackoff"] = "00:00:00.200",
        });
        var pids = new List<int>();
        try
        {
            var first = await system.WaitForStateAsync("managed", "Active", TimeSpan.FromSeconds(60));
            pids.Add(first.Metadata.ProcessId);

            Process.GetProcessById(first.Metadata.ProcessId).Kill();

            var restarted = await Eventually.Until(() => system.Api.AgentAsync("managed"),
                a => a is { State: "Active" } && a.Metadata.ProcessId != first.Metadata.ProcessId, TimeSpan.FromSeconds(30),
                "the agent restarted as a new process", system.Diagnostics);
            pids.Add(restarted!.Metadata.ProcessId);
            Assert.NotEqual(first.InstanceId, restarted.InstanceId);
            Assert.Contains("Restarting agent managed (process", system.Coordinator.Output);

            var id = await system.Api.SubmitAsync(new { taskType = "echo", payload = "served" });
            Assert.Equal("managed", (await system.WaitForTaskAsync(id, "Completed")).AgentId);
        }
        finally
        {
            // A graceful stop takes the provisioned agents down with the coordinator.
            system.Coordinator.Terminate();
            await system.Coordinator.WaitForExitAsync(TimeSpan.FromSeconds(30));
            foreach (var pid in pids)
            {
                try { Process.GetProcessById(pid).Kill(); } catch (ArgumentException) { } catch (InvalidOperationException) { }
            }
        }
    }
}
