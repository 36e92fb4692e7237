using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Coordinator.Contracts;

namespace Coordinator.IntegrationTests.Infrastructure;

/// <summary>The coordinator's HTTP API as a client sees it.</summary>
public sealed class CoordinatorApi : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    readonly HttpClient _http;

    /// <summary>A client of the API at <paramref name="baseAddress"/>, sending <paramref name="apiKey"/> as X-Api-Key when given.</summary>
    public CoordinatorApi(Uri baseAddress, string? apiKey = null, HttpMessageHandler? handler = null)
    {
        _http = new HttpClient(handler ?? new SocketsHttpHandler()) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
        if (apiKey is not null)
            _http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
    }

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

    /// <summary>POST /api/tasks; returns the status code and the body.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> PostTaskAsync(object task)
    {
        using var response = await _http.PostAsJsonAsync("/api/tasks", task, Json);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    /// <summary>Any request with an optional JSON body; the status code and the JSON body (default when there is none).</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>Submits a task that must be accepted; returns its id.</summary>
    public async Task<string> SubmitAsync(object task)
    {
        var (status, body) = await PostTaskAsync(task);
        if (status != HttpStatusCode.Accepted)
            throw new InvalidOperationException($"task not accepted: {(int)status} {body}");
        return body.GetProperty("taskId").GetString()!;
    }

    public async Task<TaskDto?> TaskAsync(string taskId)
    {
        var response = await _http.GetAsync($"/api/tasks/{Uri.EscapeDataString(taskId)}");
        if (response.StatusCode == HttpStatusCode.NotFound)
            return null;
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<TaskDto>(Json);
    }

    public async Task<IReadOnlyList<TaskDto>> TasksAsync(string? status = null, int pageSize = 1000)
    {
        var all = new List<TaskDto>();
        for (var page = 1; page <= 100; page++)
        {
            var url = $"/api/tasks?pageSize={pageSize}&page={page}" + (status is null ? "" : $"&status={status}");
            var result = await _http.GetFromJsonAsync<TaskPageDto>(url, Json);
            all.AddRange(result!.Items);
            if (all.Count >= result.Total || result.Items.Count == 0)
                break;
        }
        return all;
    }

    public async Task<JsonElement> MetricsAsync() => await _http.GetFromJsonAsync<JsonElement>("/api/metrics", Json);

    public async Task<JsonElement> ScalingAsync() => await _http.GetFromJsonAsync<JsonElement>("/api/scaling", Json);

    /// <summary>POST /api/scaling/up or /down; returns the status code and the body.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> ScaleAsync(string direction, object request)
    {
        using var response = await _http.PostAsJsonAsync($"/api/scaling/{direction}", request, Json);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

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

public sealed record TaskDto
{
    public string TaskId { get; init; } = "";
    public string TaskType { get; init; } = "";
    public string Status { get; init; } = "";
    public string? AgentId { get; init; }
    public int Attempts { get; init; }
    public int Priority { get; init; }
    public TaskResources Resources { get; init; } = new();
    public DateTimeOffset? Deadline { get; init; }
    public DateTimeOffset SubmittedAt { get; init; }
    public DateTimeOffset? AssignedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public JsonElement? Result { get; init; }
    public string? Error { get; init; }
    public string? Reason { get; init; }
    public JsonElement? Progress { get; init; }
    public JsonElement? Checkpoint { get; init; }
    public DateTimeOffset? CheckpointAt { get; init; }
    public List<JsonElement> EarlierRuns { get; init; } = [];

    public override string ToString() => $"{TaskId}:{Status}@{AgentId}#{Attempts}({Reason ?? Error})";
}

public sealed record TaskPageDto(List<TaskDto> Items, int Page, int PageSize, int Total);

public sealed record AgentHealthDto
{
    public string ReportedStatus { get; init; } = "";
    public ResourceUsage Usage { get; init; } = new();
    public int ErrorCount { get; init; }
    public int MissedHeartbeats { get; init; }
    public long HeartbeatCount { get; init; }
}
