using Coordinator.AgentWorker.Sdk;
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
        { "RabbitMq:Nodes:0:Port", "0", "RabbitMq:Nodes:0:Port" },
        { "RabbitMq:Nodes:0:ManagementPort", "15672", "RabbitMq:Nodes:0:Host" },
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

    public static TheoryData<string[], string> ScalingCases => new()
    {
        { ["Scaling:Enabled=true"], "Scaling:Profiles: must list at least one agent profile when scaling is enabled" },
        { ["Scaling:Profiles:0:Name=cpu", "Scaling:Profiles:0:CostPerHour=-1"], "Scaling:Profiles:0:CostPerHour: must not be negative, was -1" },
        { ["Scaling:Profiles:0:Name=cpu", "Scaling:Profiles:0:MemoryMb=-512"], "Scaling:Profiles:0:MemoryMb: must be positive, was -512" },
        { ["Scaling:Profiles:0:Name=cpu", "Scaling:Profiles:0:CpuCores=-2"], "Scaling:Profiles:0:CpuCores: must be a positive number of cores, was -2" },
        { ["Scaling:Profiles:0:Name=bad name"], "Scaling:Profiles:0:Name: 'bad name' is invalid" },
        { ["Scaling:Profiles:0:Name=cpu", "Scaling:Profiles:0:Capabilities= , "], "Scaling:Profiles:0:Capabilities: must name at least one capability" },
        { ["Scaling:Profiles:0:Name=cpu", "Scaling:Profiles:1:Name=CPU"], "Scaling:Profiles: profile name 'cpu' is used more than once" },
        { ["Scaling:Profiles:0:Name=cpu", "Scaling:Profiles:0:CpuCores=512"], "Scaling:Profiles:0:CpuCores: 512 exceeds Resources:MaxAgentCpuCores (256)" },
        { ["Scaling:ScaleUpThreshold=0.5", "Scaling:ScaleDownThreshold=0.6"], "Scaling:ScaleDownThreshold: must be below ScaleUpThreshold (0.5)" },
        { ["Scaling:MinAgents=4", "Scaling:MaxAgents=3"], "Scaling:MinAgents: must not exceed MaxAgents (3), was 4" },
        { ["Scaling:StartRetryBackoff=00:10:00", "Scaling:MaxStartRetryBackoff=00:01:00"], "Scaling:StartRetryBackoff: must not exceed MaxStartRetryBackoff" },
        {
            ["Scaling:Enabled=true", "Scaling:MinAgents=3", "Scaling:BudgetPerHour=1", "Scaling:Profiles:0:Name=cpu", "Scaling:Profiles:0:CostPerHour=0.5"],
            "Scaling:BudgetPerHour: 1/h cannot pay for MinAgents (3)"
        },
        { ["Provisioning:Provider=Podman"], "Provisioning:Provider: must be Local, Docker or Kubernetes" },
        { ["Alerts:ErrorRate:Threshold=1.5"], "Alerts:ErrorRate:Threshold" },
        { ["Alerts:DeadLetters:Window=00:00:00"], "Alerts:DeadLetters:Window" },
        { ["Alerts:WebhookUrl=not a url"], "Alerts:WebhookUrl" },
        { ["Alerts:WebhookAttempts=0"], "Alerts:WebhookAttempts" },
        { ["Provisioning:Provider=Kubernetes", "Provisioning:Kubernetes:Namespace=Agents_1"], "Provisioning:Kubernetes:Namespace: must be a Kubernetes namespace name" },
        { ["Provisioning:Provider=Kubernetes", "Provisioning:Kubernetes:Deployments:gpu=GPU agents"], "Provisioning:Kubernetes:Deployments:gpu: 'GPU agents' is not a Kubernetes object name" },
        { ["Provisioning:Provider=Kubernetes", "Provisioning:Kubernetes:PodWaitTimeout=00:00:00"], "Provisioning:Kubernetes:PodWaitTimeout" },
        {
            ["Provisioning:Provider=Kubernetes", "Provisioning:Agents:0:AgentId=a1"],
            "Provisioning:Agents: supervised agents cannot run on Kubernetes"
        },
    };

    [Theory]
    [MemberData(nameof(ScalingCases))]
    public async Task Bad_scaling_settings_stop_the_coordinator_naming_the_key(string[] settings, string expected)
    {
        // Without the shipped appsettings.json (and its default profile): only what the case sets.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = Path.GetTempPath(), DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => s.Split('=', 2)).ToDictionary(kv => kv[0], kv => (string?)kv[1]));
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
