using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Coordinator.Contracts;
using Coordinator.IntegrationTests.Infrastructure;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;
using Xunit.Abstractions;

namespace Coordinator.IntegrationTests.Agents;

/// <summary>
/// AgentIdentity:Mode=Broker on the real broker: each agent connects as its own broker user, made by the coordinator; a
/// stolen user reads no other agent's queue, cannot put another user's name on what it sends, and what it sends for another
/// agent is refused and changes nothing.
/// </summary>
public sealed class When_agents_prove_who_they_are(ITestOutputHelper output)
{
    [Fact]
    public async Task A_stolen_agent_user_can_neither_read_another_agents_queue_nor_speak_for_it()
    {
        await using var system = await TestSystem.StartAsync(coordinatorSettings: new() { ["AgentIdentity__Mode"] = "Broker" });
        var honest = await CredentialsAsync(system, "honest");
        Assert.Equal($"{system.VirtualHost}.agent-honest", honest.Username);
        system.StartAgentAs(honest.Username, honest.Password, "honest");
        var registered = await system.WaitForStateAsync("honest", "Active", TimeSpan.FromSeconds(60));
        var running = await system.Api.SubmitAsync(new { taskType = "sleep", payload = new { ms = 6000 } });
        await system.WaitForTaskAsync(running, "Running");

        // Agent "stolen"'s user, in the wrong hands.
        var stolen = await CredentialsAsync(system, "stolen");
        var factory = new ConnectionFactory
        {
            HostName = "127.0.0.1", VirtualHost = system.VirtualHost, UserName = stolen.Username, Password = stolen.Password,
        };
        await using (var connection = await factory.CreateConnectionAsync())
        {
            // 1. It cannot consume the honest agent's queue.
            await using (var channel = await connection.CreateChannelAsync())
            {
                var refused = await Assert.ThrowsAnyAsync<OperationInterruptedException>(() =>
                    channel.BasicConsumeAsync(EntityNames.AgentQueue("honest"), autoAck: true, new AsyncEventingBasicConsumer(channel)));
                Assert.Equal((ushort)403, refused.ShutdownReason?.ReplyCode); // ACCESS_REFUSED
                output.WriteLine($"consume agent-honest: {refused.ShutdownReason?.ReplyText}");
            }
            // 2. It cannot publish where agents do not (the standbys' forwarded writes).
            await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true)))
            {
                var refused = await Assert.ThrowsAnyAsync<Exception>(async () =>
                    await channel.BasicPublishAsync(EntityNames.ApiWritesQueue, "", true, new BasicProperties(), Encoding.UTF8.GetBytes("{}")));
                output.WriteLine($"publish to {EntityNames.ApiWritesQueue}: {refused.Message}");
                Assert.Contains("ACCESS_REFUSED", $"{refused.Message} {channel.CloseReason?.ReplyText}");
            }
            // 3. It cannot sign what it sends with the honest agent's user: the broker checks user_id against the connection.
            await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true)))
            {
                var refused = await Assert.ThrowsAnyAsync<Exception>(async () =>
                    await channel.BasicPublishAsync(EntityNames.Heartbeats, "", true, new BasicProperties { UserId = honest.Username },
                        Encoding.UTF8.GetBytes("{}")));
                output.WriteLine($"publish as {honest.Username}: {refused.Message}");
                Assert.Contains("PRECONDITION_FAILED", $"{refused.Message} {channel.CloseReason?.ReplyText}");
            }
        }

        // 4. Under its own name, it speaks for the honest agent (and for an agent of its making): refused, nothing changes.
        await using (var forger = await TestBus.StartAsync(system.VirtualHost, stolen.Username, stolen.Password, EntityNames.AgentResponses("stolen")))
        {
            await forger.PublishAsync(new TaskFailed
            {
                TaskId = running, AgentId = "honest", Attempt = 1, Error = "forged", Timestamp = DateTimeOffset.UtcNow,
            });
            await forger.SendToCoordinatorAsync(new UnregisterAgent
            {
                AgentId = "honest", InstanceId = registered.InstanceId, Reason = "forged", Timestamp = DateTimeOffset.UtcNow,
            });
            var answer = await forger.RegisterAsync(Registration("made-up"));
            Assert.True(answer.Is(out MassTransit.Response<AgentRegistrationRejected>? rejected), "the made-up agent was registered");
            output.WriteLine($"registration of made-up: {rejected!.Message.Reason}");
            Assert.Contains($"claims agent 'made-up'", rejected.Message.Reason);
        }
        await Eventually.Until(async () => await RefusedAsync(system, "TaskFailed") == 1 && await RefusedAsync(system, "UnregisterAgent") == 1
                                           && await RefusedAsync(system, "RegisterAgent") == 1,
            TimeSpan.FromSeconds(30), "the three forged messages to be counted as refused", system.Diagnostics);
        Assert.Contains($"broker user '{stolen.Username}' claims agent 'honest'", system.Coordinator.Output);

        Assert.Equal("Active", await system.Api.StateOfAsync("honest"));
        Assert.Null(await system.Api.AgentAsync("made-up"));
        Assert.Equal("Running", (await system.Api.TaskAsync(running))!.Status);
        var done = await system.WaitForTaskAsync(running, "Completed");
        Assert.Equal("honest", done.AgentId);
        Assert.Equal(1, done.Attempts);

        // The same registration from the coordinator's own user (trusted) is taken: it was the sender that was refused.
        await using (var trusted = await TestBus.StartAsync(system.VirtualHost, system.BrokerUsername, system.BrokerPassword))
            Assert.True((await trusted.RegisterAsync(Registration("made-up"))).Is(out MassTransit.Response<AgentRegistered>? _));

        // An agent process started as a broker user that may not speak for it (here one with every permission, as guest has on
        // a development broker) is told why, and stops with exit code 1 instead of registering again every second.
        var someone = $"{system.VirtualHost}.someone";
        var password = await system.Broker.CreateUserAsync(system.VirtualHost, someone, "");
        var misconfigured = system.StartAgentAs(someone, password, "misconfigured");
        Assert.Equal(1, await misconfigured.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains($"Agent misconfigured registration refused for good: refused: broker user '{someone}' claims agent 'misconfigured'",
            misconfigured.Output);
        Assert.Single(Regex.Matches(misconfigured.Output, "registration refused for good"));
        Assert.Null(await system.Api.AgentAsync("misconfigured"));
    }

    [Fact]
    public async Task An_agent_started_elsewhere_enrols_with_a_bootstrap_token_and_a_live_agents_user_is_never_handed_out()
    {
        var token = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        await using var system = await TestSystem.StartAsync(coordinatorSettings: new()
        {
            ["AgentIdentity__Mode"] = "Broker",
            ["AgentIdentity__BootstrapTokens__0__Name"] = "fleet",
            ["AgentIdentity__BootstrapTokens__0__Hash"] = TestApiKeys.Hash(token),
        });
        var coordinatorUrl = system.Api.Http.BaseAddress!.ToString();

        Dictionary<string, string> Enrolling(string presented) => new()
        {
            // No broker user of its own (a name the broker does not know): it can only connect as the one it enrols for.
            ["RabbitMq__Username"] = "no-such-user",
            ["RabbitMq__Password"] = "no-password",
            ["Agent__BootstrapToken"] = presented,
            ["Agent__CoordinatorUrl"] = coordinatorUrl,
        };

        system.StartAgentWith(Enrolling(token), "enrolled", "--capabilities", "echo");
        await system.WaitForStateAsync("enrolled", "Active", TimeSpan.FromSeconds(60));
        var id = await system.Api.SubmitAsync(new { taskType = "echo", payload = new { hello = "enrolled" } });
        Assert.Equal("enrolled", (await system.WaitForTaskAsync(id, "Completed")).AgentId);
        var connections = await Eventually.Until(() => system.Broker.ConnectionsAsync(system.VirtualHost),
            list => list.Any(c => c.Name == "agent-enrolled"), TimeSpan.FromSeconds(30), "the enrolled agent's connection to be listed", system.Diagnostics);
        Assert.Equal($"{system.VirtualHost}.agent-enrolled", connections.First(c => c.Name == "agent-enrolled").User);
        Assert.Contains("Agent enrolled enrolled with bootstrap token 'fleet'", system.Coordinator.Output);

        // A wrong token stops the agent at start, with the coordinator's reason.
        var refused = system.StartAgentWith(Enrolling("not-the-token"), "impostor", "--capabilities", "echo");
        Assert.Equal(1, await refused.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("this bootstrap token is not known", refused.Output);

        // The right token for the id of a live agent: refused, and the live agent's user keeps its password.
        using var http = new HttpClient { BaseAddress = system.Api.Http.BaseAddress };
        using var takeover = new HttpRequestMessage(HttpMethod.Post, "/api/agents/enrolled/enroll");
        takeover.Headers.Add("X-Agent-Bootstrap-Token", token);
        using var answer = await http.SendAsync(takeover);
        Assert.Equal(HttpStatusCode.Conflict, answer.StatusCode);
        Assert.Contains("is not handed out again", await answer.Content.ReadAsStringAsync());
        var again = await system.Api.SubmitAsync(new { taskType = "echo", payload = new { hello = "still" } });
        Assert.Equal("enrolled", (await system.WaitForTaskAsync(again, "Completed")).AgentId);
    }

    static RegisterAgent Registration(string agentId) => new()
    {
        AgentId = agentId,
        InstanceId = Guid.NewGuid(),
        Capabilities = ["echo"],
        Resources = new AgentResources { CpuCores = 1, MemoryMb = 512, DiskMb = 512 },
        MaxConcurrentTasks = 1,
        Timestamp = DateTimeOffset.UtcNow,
    };

    static async Task<(string Username, string Password)> CredentialsAsync(TestSystem system, string agentId)
    {
        var (status, body) = await system.Api.SendAsync(HttpMethod.Post, $"/api/agents/{agentId}/credentials");
        Assert.True(status == HttpStatusCode.OK, $"credentials for {agentId}: {(int)status} {body}");
        return (body.GetProperty("username").GetString()!, body.GetProperty("password").GetString()!);
    }

    static async Task<double> RefusedAsync(TestSystem system, string messageType)
    {
        var text = await system.Api.Http.GetStringAsync("/metrics");
        var prefix = $"coordinator_agent_messages_refused_total{{message_type=\"{messageType}\"}} ";
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
