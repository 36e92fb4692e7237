using AgentWorker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Coordinator.UnitTests.Configuration;

public class When_configuration_is_invalid
{
    public static TheoryData<string, string, string> CoordinatorCases => new()
    {
        { "Coordinator:FailureThreshold", "0", "Coordinator:FailureThreshold" },
        { "Coordinator:HeartbeatInterval", "00:00:00", "Coordinator:HeartbeatInterval" },
        { "Coordinator:UnhealthyThreshold", "9", "Coordinator:UnhealthyThreshold: must not exceed FailureThreshold" },
        { "Coordinator:HttpUrl", "not a url", "Coordinator:HttpUrl" },
        { "Resources:MaxTasksPerAgent", "-1", "Resources:MaxTasksPerAgent" },
        { "Scaling:ScaleDownThreshold", "0.9", "Scaling:ScaleDownThreshold: must be below ScaleUpThreshold" },
        { "Scaling:MinAgents", "50", "Scaling:MinAgents: must not exceed MaxAgents" },
        { "RabbitMq:Port", "70000", "RabbitMq:Port" },
        { "Database:ConnectionString", "", "Database:ConnectionString" },
    };

    [Theory]
    [MemberData(nameof(CoordinatorCases))]
    public async Task The_coordinator_does_not_start_and_names_the_key(string key, string value, string expected)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = value });
        builder.Services.AddCoordinator(builder.Configuration);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task An_unconvertible_value_names_the_key()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Coordinator:FailureThreshold"] = "three" });
        builder.Services.AddCoordinator(builder.Configuration);
        using var host = builder.Build();

        var error = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("Coordinator:FailureThreshold", error.Message);
    }

    [Fact]
    public async Task An_unknown_key_is_refused_by_name()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Coordinator:HeartbeatIntervall"] = "00:00:01" });
        builder.Services.AddCoordinator(builder.Configuration);
        using var host = builder.Build();

        var error = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("HeartbeatIntervall", error.Message);
    }

    [Theory]
    [InlineData("Agent:AgentId", "bad id!", "Agent:AgentId")]
    [InlineData("Agent:Capabilities", " , ", "Agent:Capabilities: must name at least one capability")]
    [InlineData("Agent:MaxConcurrentTasks", "0", "Agent:MaxConcurrentTasks")]
    [InlineData("Agent:MemoryMb", "-1", "Agent:MemoryMb")]
    public async Task The_agent_worker_does_not_start_and_names_the_key(string key, string value, string expected)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = value });
        builder.Services.AddAgentWorker();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(expected, error.Message);
    }
}
