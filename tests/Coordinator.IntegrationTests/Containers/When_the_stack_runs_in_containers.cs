using Coordinator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Coordinator.IntegrationTests.Containers;

/// <summary>
/// `docker compose -f docker-compose.yml -f docker-compose.local.yml up -d` as a user runs it, on the images
/// scripts/build-images.sh made here (no registry): broker, PostgreSQL, the coordinator and three agent replicas, each in
/// a container on the compose network. Host ports are the test's own (COORDINATOR_HTTP_PORT, RABBITMQ_MANAGEMENT_PORT),
/// on loopback.
/// </summary>
[Collection(ContainersCollection.Name)]
public sealed class When_the_stack_runs_in_containers(ITestOutputHelper output) : IAsyncLifetime
{
    readonly string _project = $"coordtest{Guid.NewGuid().ToString("N")[..8]}";
    // An operator key of the test's own: the compose file admits the API only with one (its hash from the environment).
    readonly string _apiKey = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
    readonly Dictionary<string, string> _environment = new()
    {
        ["COORDINATOR_HTTP_PORT"] = FreePort.Next().ToString(),
        ["RABBITMQ_MANAGEMENT_PORT"] = FreePort.Next().ToString(),
    };
    CoordinatorApi _api = null!;

    string ProjectLabel => $"com.docker.compose.project={_project}";

    public Task InitializeAsync()
    {
        DockerEngine.EnsureReady();
        // The passwords the compose file takes from the environment, the test's own.
        _environment["COORDINATOR_BROKER_PASSWORD"] = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
        _environment["COORDINATOR_DB_PASSWORD"] = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
        // The agents' bootstrap token: each replica enrols with it for a broker user of its own.
        var agentToken = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        _environment["COORDINATOR_AGENT_TOKEN"] = agentToken;
        _environment["COORDINATOR_AGENT_TOKEN_HASH"] = TestApiKeys.Hash(agentToken);
        _environment["COORDINATOR_API_KEY_HASH"] = "sha256:" + Convert.ToHexStringLower(
            System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(_apiKey)));
        _api = new CoordinatorApi(new Uri($"http://127.0.0.1:{_environment["COORDINATOR_HTTP_PORT"]}"), _apiKey);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _api.Dispose();
        // Whatever the test did, nothing of it stays: containers, network, volumes.
        DockerEngine.Compose(_project, _environment, "down", "-v", "--remove-orphans", "-t", "5");
        return Task.CompletedTask;
    }

    string Logs() => DockerEngine.Compose(_project, _environment, "logs", "--no-color", "--tail", "40");

    [Fact]
    public async Task Agents_become_active_tasks_from_the_host_complete_a_killed_agent_is_failed_and_its_work_moved_and_down_leaves_nothing()
    {
        output.WriteLine(DockerEngine.Compose(_project, _environment, "up", "-d"));

        var agents = await Eventually.Until(_api.AgentsAsync, a => a.Count(x => x.State == "Active") == 3, TimeSpan.FromSeconds(120),
            "the three agent containers to be Active", Logs);

        // Tasks from the host, through the published API; long enough that the killed agent holds some.
        var ids = new List<string>();
        for (var i = 0; i < 24; i++)
            ids.Add(await _api.SubmitAsync(new { taskType = "sleep", payload = new { ms = 3000 } }));
        var victim = await Eventually.Until(async () => (await _api.TasksAsync("Running")).Where(t => ids.Contains(t.TaskId)).ToList(),
            running => running.Count >= 6, TimeSpan.FromSeconds(60), "tasks to be running", Logs);
        var victimAgent = victim[0].AgentId!;
        var held = victim.Where(t => t.AgentId == victimAgent).Select(t => t.TaskId).ToList();
        var container = agents.Single(a => a.AgentId == victimAgent).Metadata.HostName; // the container's host name is its id
        DockerEngine.Docker("kill", container);

        var failed = await Eventually.Until(() => _api.AgentAsync(victimAgent), a => a?.State == "Failed", TimeSpan.FromSeconds(20),
            $"agent {victimAgent} to be Failed after docker kill", Logs);
        output.WriteLine($"{victimAgent} failed: {failed!.StateReason}");
        var tasks = await Eventually.Until(async () => await Task.WhenAll(ids.Select(_api.TaskAsync)),
            all => all.All(t => t?.Status == "Completed"), TimeSpan.FromSeconds(90), "all 24 tasks to complete", Logs);
        Assert.All(tasks.Where(t => held.Contains(t!.TaskId)), t => Assert.NotEqual(victimAgent, t!.AgentId));

        DockerEngine.Compose(_project, _environment, "down", "-v", "-t", "10");
        Assert.Empty(DockerEngine.Containers(ProjectLabel));
        Assert.DoesNotContain($"{_project}_default", DockerEngine.Docker("network", "ls", "--format", "{{.Name}}"));
    }
}
