using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Coordinator.Contracts;

namespace Coordinator.IntegrationTests.Infrastructure;

/// <summary>The coordinator's HTTP API as a client sees it.</summary>
public sealed class CoordinatorApi(Uri baseAddress) : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    readonly HttpClient _http = new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };

    public HttpClient Http => _http;

    public async Task<IReadOnlyList<AgentDto>> AgentsAsync() =>
        await _http.GetFromJsonAsync<List<AgentDto>>("/api/agents", Json) ?? [];

    public async Task<AgentDto?> AgentAsync(string agentId)
    {
        var response = await _http.GetAsync($"/api/agents/{Uri.EscapeDataString(agentId)}");
        if (response.StatusCode == HttpStatusCode.NotFound)
            return null;
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<AgentDto>(Json);
    }

    public async Task<string?> StateOfAsync(string agentId) => (await AgentAsync(agentId))?.State;

    public void Dispose() => _http.Dispose();
}

public sealed record AgentDto
{
    public string AgentId { get; init; } = "";
    public Guid InstanceId { get; init; }
    public string State { get; init; } = "";
    public string PreviousState { get; init; } = "";
    public string StateReason { get; init; } = "";
    public List<string> Capabilities { get; init; } = [];
    public AgentResources Resources { get; init; } = new();
    public int MaxConcurrentTasks { get; init; }
    public AgentMetadata Metadata { get; init; } = new();
    public DateTimeOffset RegisteredAt { get; init; }
    public DateTimeOffset? LastHeartbeat { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public int ActiveTasks { get; init; }
    public AgentHealthDto Health { get; init; } = new();

    public override string ToString() => $"{AgentId}:{State}({StateReason})";
}

public sealed record AgentHealthDto
{
    public string ReportedStatus { get; init; } = "";
    public ResourceUsage Usage { get; init; } = new();
    public int ErrorCount { get; init; }
    public int MissedHeartbeats { get; init; }
    public long HeartbeatCount { get; init; }
}
