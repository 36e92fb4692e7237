using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Agents;

public sealed class When_agents_start : IAsyncLifetime
{
    TestSystem _system = null!;

    public async Task InitializeAsync() => _system = await TestSystem.StartAsync();

    public async Task DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task Three_agent_processes_register_and_are_listed_active()
    {
        var agents = new[] { "alpha", "beta", "gamma" }
            .Select(id => _system.StartAgent(id, "--capabilities", $"echo,{id}", "--cpu", "2", "--memory", "2048", "--concurrency", "3"))
            .ToList();

        var listed = await Eventually.Until(() => _system.Api.AgentsAsync(),
            list => list.Count == 3 && list.All(a => a.State == "Active" && a.Health.HeartbeatCount > 0),
            TimeSpan.FromSeconds(60), "three active agents with heartbeats", _system.Diagnostics);

        foreach (var agent in agents)
        {
            var view = listed.Single(a => a.AgentId == agent.AgentId);
            Assert.Equal(["echo", agent.AgentId], view.Capabilities);
            Assert.Equal(2, view.Resources.CpuCores);
            Assert.Equal(2048, view.Resources.MemoryMb);
            Assert.Equal(3, view.MaxConcurrentTasks);
            Assert.Equal(agent.Pid, view.Metadata.ProcessId);
            Assert.Equal(Environment.MachineName, view.Metadata.HostName);
            Assert.NotNull(view.LastHeartbeat);
            Assert.True(view.Health.Usage.MemoryMb > 0, "the heartbeat carries the measured working set");
            Assert.Equal(0, view.ActiveTasks);
        }

        using var raw = await _system.Api.Http.GetAsync("/api/agents");
        var json = await raw.Content.ReadFromJsonAsync<JsonElement>();
        foreach (var property in new[] { "agentId", "state", "capabilities", "resources", "metadata", "lastHeartbeat", "activeTasks" })
            Assert.True(json[0].TryGetProperty(property, out _), $"/api/agents items have '{property}'");
    }

    [Fact]
    public async Task An_unknown_agent_id_is_a_404_with_a_clear_body()
    {
        using var response = await _system.Api.Http.GetAsync("/api/agents/nobody");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("agent 'nobody' not found", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Liveness_and_readiness_answer()
    {
        using var live = await _system.Api.Http.GetAsync("/health/live");
        using var ready = await _system.Api.Http.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var body = await ready.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("masstransit-bus").GetProperty("status").GetString());
    }
}
