using System.Text.RegularExpressions;
using Coordinator.Agents.Identity;
using Coordinator.Hosting;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace Coordinator.UnitTests.Agents;

/// <summary>AgentIdentity: whose broker user may speak for which agent, and what an agent's own user may touch.</summary>
public sealed class Whose_message_it_is
{
    static AgentIdentityCheck Check(AgentIdentityMode? mode, string environment = "Production") =>
        new(new AgentIdentityOptions { Mode = mode, TrustedUsers = ["standby"] }, new RabbitMqOptions { Username = "coordinator" },
            new Environment(environment));

    [Fact]
    public void Outside_development_agents_must_prove_who_they_are_by_default()
    {
        Assert.Equal(AgentIdentityMode.Broker, Check(null).Mode);
        Assert.Equal(AgentIdentityMode.Claimed, Check(null, "Development").Mode);
        Assert.Equal(AgentIdentityMode.Broker, Check(AgentIdentityMode.Broker, "Development").Mode);
    }

    [Fact]
    public void An_agents_own_user_speaks_for_it_and_for_no_other()
    {
        var check = Check(AgentIdentityMode.Broker);
        Assert.Null(check.Refuse("agent-a", "a"));
        Assert.Contains("claims agent 'b'", check.Refuse("agent-a", "b"));
        Assert.Contains("claims agent 'a.b'", check.Refuse("agent-a", "a.b"));
        Assert.Contains("speaks for no agent", check.Refuse("agent-a", null));
    }

    [Fact]
    public void A_message_without_a_user_is_refused_and_trusted_users_speak_for_anyone()
    {
        var check = Check(AgentIdentityMode.Broker);
        Assert.Contains("no user_id", check.Refuse(null, "a"));
        Assert.Contains("no user_id", check.Refuse("", null));
        Assert.Null(check.Refuse("coordinator", "a"));
        Assert.Null(check.Refuse("standby", null));
    }

    [Fact]
    public void Claimed_mode_takes_every_message() =>
        Assert.Null(Check(AgentIdentityMode.Claimed).Refuse(null, "anyone"));

    [Theory]
    [InlineData("agent-w.1", true)]
    [InlineData("agent-w.1:responses", true)]
    [InlineData("coordinator.heartbeats", true)]
    [InlineData("agent-wx1", false)] // the dot is literal
    [InlineData("agent-w.10", false)]
    [InlineData("agent-w", false)]
    [InlineData("xagent-w.1", false)]
    [InlineData("coordinator.api-writes", false)]
    [InlineData("coordinator.tasks", false)]
    public void An_agents_user_writes_its_own_queues_and_the_agents_exchanges_only(string entity, bool allowed)
    {
        var (configure, write, _) = AgentIdentityCheck.PermissionsOf("w.1");
        Assert.Equal(allowed, Regex.IsMatch(entity, configure));
        Assert.Equal(allowed, Regex.IsMatch(entity, write));
    }

    [Theory]
    [InlineData("agent-w.1", true)]
    [InlineData("agent-w.1:responses", true)]
    [InlineData("agent-w.2", false)]
    [InlineData("coordinator.heartbeats", false)]
    [InlineData("coordinator.agent-events", false)]
    public void An_agents_user_reads_its_own_queues_only(string queue, bool allowed) =>
        Assert.Equal(allowed, Regex.IsMatch(queue, AgentIdentityCheck.PermissionsOf("w.1").Read));

    [Fact]
    public void An_agents_user_is_the_prefix_and_its_id() =>
        Assert.Equal("fleet-a.agent-w1", new AgentIdentityCheck(new AgentIdentityOptions { UserPrefix = "fleet-a.agent-" }, new RabbitMqOptions(),
            new Environment("Production")).UserOf("w1"));

    sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "test";
        public string ContentRootPath { get; set; } = "/";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
