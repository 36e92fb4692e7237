using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Coordinator.Hosting;

namespace Coordinator.AgentWorker.Sdk.Lifecycle;

/// <summary>
/// With <see cref="AgentOptions.BootstrapToken"/>: before the bus connects, the agent asks the coordinator for its own broker
/// user (<c>POST {CoordinatorUrl}/api/agents/{id}/enroll</c>, the token in <c>X-Agent-Bootstrap-Token</c>) and connects as
/// it. While the coordinator cannot answer (not up yet, a 5xx) it asks again every 2 s, for a minute at most; a refusal (an
/// unknown token, an id that is live) stops the start with the coordinator's reason.
/// </summary>
internal static class BrokerEnrollment
{
    static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);
    static readonly TimeSpan Pause = TimeSpan.FromSeconds(2);

    /// <summary>Sets <paramref name="broker"/>'s user to the agent's own when <paramref name="agent"/> has a bootstrap token.</summary>
    /// <param name="agent">The agent's options: its id, the token, the coordinator's address.</param>
    /// <param name="broker">The broker settings the bus connects with.</param>
    /// <exception cref="InvalidOperationException">The token was refused, or the coordinator did not answer within a minute.</exception>
    public static void Apply(AgentOptions agent, RabbitMqOptions broker)
    {
        if (string.IsNullOrWhiteSpace(agent.BootstrapToken))
            return;
        // Once per process: the options are built more than once (validation, the bus), and each enrolment gives the user
        // a new password, which would leave the first connection's one stale.
        lock (Gate)
        {
            if (_enrolled is not { } enrolled || enrolled.AgentId != agent.AgentId)
                _enrolled = enrolled = (agent.AgentId, Enroll(agent));
            broker.Username = enrolled.User.Username;
            broker.Password = enrolled.User.Password;
        }
    }

    static readonly Lock Gate = new();
    static (string AgentId, BrokerUser User)? _enrolled;

    static BrokerUser Enroll(AgentOptions agent)
    {
        var address = new Uri(new Uri(agent.CoordinatorUrl!.TrimEnd('/') + "/"), $"api/agents/{Uri.EscapeDataString(agent.AgentId)}/enroll");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + Patience;
        string last;
        while (true)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, address);
                request.Headers.Add("X-Agent-Bootstrap-Token", agent.BootstrapToken);
                using var response = http.Send(request);
                var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
                if (response.IsSuccessStatusCode)
                {
                    var enrolled = JsonSerializer.Deserialize<JsonElement>(body);
                    return new BrokerUser(enrolled.GetProperty("username").GetString()!, enrolled.GetProperty("password").GetString()!);
                }
                last = $"{(int)response.StatusCode} {Error(body)}";
                if ((int)response.StatusCode < 500)
                    throw new InvalidOperationException($"Agent:BootstrapToken was refused by the coordinator at {address}: {last}");
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                last = ex.Message;
            }
            if (DateTime.UtcNow + Pause > deadline)
                throw new InvalidOperationException($"the coordinator at {address} did not enrol this agent within {Patience.TotalSeconds:0} s: {last}");
            Thread.Sleep(Pause);
        }
    }

    static string Error(string body)
    {
        try
        {
            return JsonSerializer.Deserialize<JsonElement>(body).TryGetProperty("error", out var error) ? error.GetString() ?? body : body;
        }
        catch (JsonException)
        {
            return body;
        }
    }
}
