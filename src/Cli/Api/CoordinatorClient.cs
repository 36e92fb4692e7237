using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace CoordinatorCli.Api;

/// <summary>The coordinator's task API over one <see cref="HttpClient"/> whose base address ends with '/'.</summary>
public sealed class CoordinatorClient(HttpClient http)
{
    public string Url => http.BaseAddress?.AbsoluteUri.TrimEnd('/') ?? "(no address)";

    /// <summary>POST /api/tasks with the task's JSON as given; returns the task id the coordinator accepted.</summary>
    public async Task<string> SubmitAsync(JsonElement task, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/tasks")
        {
            Content = new StringContent(task.GetRawText(), Encoding.UTF8, "application/json"),
        };
        using var response = await SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        var accepted = await ReadAsync<TaskAccepted>(response, cancellationToken);
        return string.IsNullOrEmpty(accepted.TaskId)
            ? throw new CoordinatorApiException(response.StatusCode, $"the coordinator at {Url} accepted the task but returned no taskId")
            : accepted.TaskId;
    }

    /// <summary>GET /api/tasks/{id}; null when the coordinator does not know the task (404).</summary>
    public async Task<TaskView?> FindTaskAsync(string taskId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/tasks/{Uri.EscapeDataString(taskId)}");
        using var response = await SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, cancellationToken);
        return await ReadAsync<TaskView>(response, cancellationToken);
    }

    /// <summary>GET /api/tasks/{id}; a 404 becomes a <see cref="CoordinatorApiException"/> carrying the server's message.</summary>
    public async Task<TaskView> GetTaskAsync(string taskId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/tasks/{Uri.EscapeDataString(taskId)}");
        using var response = await SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken, notFound: $"task '{taskId}' not found");
        return await ReadAsync<TaskView>(response, cancellationToken);
    }

    public async Task<TaskPage> ListTasksAsync(string? status, int page, int pageSize, CancellationToken cancellationToken)
    {
        var query = new StringBuilder("api/tasks?");
        if (status is not null)
        {
            query.Append("status=").Append(Uri.EscapeDataString(status)).Append('&');
        }

        query.Append("page=").Append(page).Append("&pageSize=").Append(pageSize);
        using var request = new HttpRequestMessage(HttpMethod.Get, query.ToString());
        using var response = await SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await ReadAsync<TaskPage>(response, cancellationToken);
    }

    public async Task<IReadOnlyList<AgentView>> ListAgentsAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/agents");
        using var response = await SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await ReadAsync<List<AgentView>>(response, cancellationToken);
    }

    public async Task<MetricsSnapshot> GetMetricsAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/metrics");
        using var response = await SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        var root = await ReadAsync<JsonElement>(response, cancellationToken);
        try
        {
            return MetricsSnapshot.Parse(root);
        }
        catch (JsonException e)
        {
            throw Unexpected(response, e);
        }
    }

    /// <summary>GET /api/scaling; a 404 (a coordinator without the scaling API) becomes a <see cref="CoordinatorApiException"/> saying so.</summary>
    public async Task<ScalingView> GetScalingAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/scaling");
        using var response = await SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken, notFound: NoScalingApi);
        return await ReadAsync<ScalingView>(response, cancellationToken);
    }

    /// <summary>GET /api/scaling; null when the coordinator has no scaling API (404: it is older than this client).</summary>
    public async Task<ScalingView?> FindScalingAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/scaling");
        using var response = await SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, cancellationToken);
        return await ReadAsync<ScalingView>(response, cancellationToken);
    }

    /// <summary>POST /api/scaling/up: starts up to <paramref name="count"/> agents, of the given profile or the first one.</summary>
    public Task<ScalingChange> ScaleUpAsync(int count, string? profile, CancellationToken cancellationToken) =>
        ScaleAsync("api/scaling/up", new ScaleRequest { Count = count, Profile = profile }, cancellationToken);

    /// <summary>POST /api/scaling/down: drains then stops up to <paramref name="count"/> agents, never below the minimum.</summary>
    public Task<ScalingChange> ScaleDownAsync(int count, CancellationToken cancellationToken) =>
        ScaleAsync("api/scaling/down", new ScaleRequest { Count = count }, cancellationToken);

    async Task<ScalingChange> ScaleAsync(string path, ScaleRequest body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(JsonSerializer.Serialize(body, CliJson.Options), Encoding.UTF8, "application/json"),
        };
        using var response = await SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken, notFound: NoScalingApi);
        return await ReadAsync<ScalingChange>(response, cancellationToken);
    }

    /// <summary>POST /api/tasks/{id}/cancel; 404 (unknown) and 409 (it has ended, with its status) carry the server's message.</summary>
    public async Task<CancelledTask> CancelTaskAsync(string taskId, string? reason, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/tasks/{Uri.EscapeDataString(taskId)}/cancel")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { reason }, CliJson.Options), Encoding.UTF8, "application/json"),
        };
        using var response = await SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await ReadAsync<CancelledTask>(response, cancellationToken);
    }

    /// <summary>POST /api/tasks/{id}/retry; 404 (unknown) and 409 (not re-runnable, with its status) carry the server's message.</summary>
    public async Task<RerunTask> RerunTaskAsync(string taskId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/tasks/{Uri.EscapeDataString(taskId)}/retry");
        using var response = await SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await ReadAsync<RerunTask>(response, cancellationToken);
    }

    /// <summary>POST /api/tasks/retry: re-runs the tasks that match; a 400 (a status that cannot be re-run, say) carries the server's message.</summary>
    public async Task<BulkRerun> RerunTasksAsync(IReadOnlyList<string> statuses, string? type, DateTimeOffset? finishedAfter,
        DateTimeOffset? finishedBefore, int limit, CancellationToken cancellationToken)
    {
        var body = new { status = statuses, type, finishedAfter, finishedBefore, limit };
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/tasks/retry")
        {
            Content = new StringContent(JsonSerializer.Serialize(body, CliJson.Options), Encoding.UTF8, "application/json"),
        };
        using var response = await SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await ReadAsync<BulkRerun>(response, cancellationToken);
    }

    public async Task<IReadOnlyList<ScheduleView>> ListSchedulesAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/schedules");
        using var response = await SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await ReadAsync<List<ScheduleView>>(response, cancellationToken);
    }

    /// <summary>POST /api/schedules; a 400 (a cron that does not parse, say) or 409 (the id is taken) carries the server's message.</summary>
    public async Task<ScheduleView> AddScheduleAsync(object schedule, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/schedules")
        {
            Content = new StringContent(JsonSerializer.Serialize(schedule, CliJson.Options), Encoding.UTF8, "application/json"),
        };
        using var response = await SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await ReadAsync<ScheduleView>(response, cancellationToken);
    }

    /// <summary>POST /api/schedules/{id}/pause or /resume; a 404 carries the server's message.</summary>
    public async Task<ScheduleView> PauseScheduleAsync(string id, bool paused, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/schedules/{Uri.EscapeDataString(id)}/{(paused ? "pause" : "resume")}");
        using var response = await SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken, notFound: $"schedule '{id}' not found");
        return await ReadAsync<ScheduleView>(response, cancellationToken);
    }

    public async Task<TriggeredSchedule> TriggerScheduleAsync(string id, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/schedules/{Uri.EscapeDataString(id)}/trigger");
        using var response = await SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken, notFound: $"schedule '{id}' not found");
        return await ReadAsync<TriggeredSchedule>(response, cancellationToken);
    }

    public async Task RemoveScheduleAsync(string id, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"api/schedules/{Uri.EscapeDataString(id)}");
        using var response = await SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken, notFound: $"schedule '{id}' not found");
    }

    public async Task<IReadOnlyList<LimitView>> ListLimitsAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/limits");
        using var response = await SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await ReadAsync<List<LimitView>>(response, cancellationToken);
    }

    /// <summary>PUT /api/limits/{type}; a 400 (a limit of zero, say) carries the server's message.</summary>
    public async Task<LimitView> SetLimitAsync(string taskType, int? maxConcurrent, double? perSecond, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"api/limits/{Uri.EscapeDataString(taskType)}")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { maxConcurrent, perSecond }, CliJson.Options), Encoding.UTF8, "application/json"),
        };
        using var response = await SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await ReadAsync<LimitView>(response, cancellationToken);
    }

    public async Task RemoveLimitAsync(string taskType, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"api/limits/{Uri.EscapeDataString(taskType)}");
        using var response = await SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken, notFound: $"task type '{taskType}' has no limit");
    }

    /// <summary>POST /api/agents/{id}/drain; 404 (unknown) and 409 (Failed or gone) carry the server's message.</summary>
    public async Task DrainAgentAsync(string agentId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/agents/{Uri.EscapeDataString(agentId)}/drain");
        using var response = await SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    /// <summary>POST /api/agents/{id}/failure with the reason; 404 for an unknown agent carries the server's message.</summary>
    public async Task DeclareAgentFailedAsync(string agentId, string reason, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/agents/{Uri.EscapeDataString(agentId)}/failure")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { reason }, CliJson.Options), Encoding.UTF8, "application/json"),
        };
        using var response = await SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    /// <summary>Makes an agent's own broker user (or gives it a new password): its name, password and environment lines.</summary>
    public async Task<JsonElement> IssueAgentCredentialsAsync(string agentId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/agents/{Uri.EscapeDataString(agentId)}/credentials");
        using var response = await SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await ReadAsync<JsonElement>(response, cancellationToken);
    }

    string NoScalingApi => $"the coordinator at {Url} has no scaling API (/api/scaling answered 404); it is older than this client";

    async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new CoordinatorUnreachableException(Url, e.Message, e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CoordinatorUnreachableException(Url, $"no answer within {http.Timeout.TotalSeconds:0} s", e);
        }
    }

    async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken, string? notFound = null)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var message = ErrorText(body)
            ?? (response.StatusCode == HttpStatusCode.NotFound && notFound is not null ? notFound : null)
            ?? $"the coordinator at {Url} answered {(int)response.StatusCode} {response.ReasonPhrase}"
                + (string.IsNullOrWhiteSpace(body) ? "" : $": {Truncate(body)}");
        throw new CoordinatorApiException(response.StatusCode, message);
    }

    /// <summary>The server's <c>{"error": "..."}</c>, or a problem-details title and detail.</summary>
    static string? ErrorText(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            if (root.TryGetProperty("error", out var error))
            {
                return CliJson.Describe(error);
            }

            var title = root.TryGetProperty("title", out var t) ? t.GetString() : null;
            var detail = root.TryGetProperty("detail", out var d) ? d.GetString() : null;
            var errors = root.TryGetProperty("errors", out var e) ? CliJson.Describe(e) : null;
            var parts = new[] { title, detail, errors }.Where(p => !string.IsNullOrWhiteSpace(p)).ToList();
            return parts.Count == 0 ? null : string.Join(": ", parts);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(CliJson.Options, cancellationToken)
                ?? throw new JsonException("the body was JSON null");
        }
        catch (JsonException e)
        {
            throw Unexpected(response, e);
        }
    }

    CoordinatorApiException Unexpected(HttpResponseMessage response, JsonException e) =>
        new(response.StatusCode, $"unexpected answer from the coordinator at {Url} ({response.RequestMessage?.RequestUri?.PathAndQuery}): {e.Message}");

    static string Truncate(string text) => text.Length <= 200 ? text.Trim() : text[..200].Trim() + "...";
}
