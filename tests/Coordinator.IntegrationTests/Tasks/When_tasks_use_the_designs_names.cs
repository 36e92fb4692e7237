using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Coordinator.Contracts;
using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Tasks;

/// <summary>The design's snake_case field names, from any AMQP client and over HTTP: they run as camelCase does; a mix is refused with the reason.</summary>
public sealed class When_tasks_use_the_designs_names
{
    [Fact]
    public async Task A_snake_case_task_runs_like_a_camel_case_one_and_a_mix_of_the_two_is_refused_naming_the_fields()
    {
        await using var system = await TestSystem.StartAsync();
        await system.StartActiveAgentsAsync(("named", []));

        // Plain JSON from any AMQP client (here through the management API), in the design's names, the resources' too.
        var deadline = DateTimeOffset.UtcNow.AddMinutes(10);
        Assert.True(await system.Broker.PublishAsync(system.VirtualHost, EntityNames.Tasks,
            $$$"""{"task_id":"snake-1","task_type":"echo","task_data":{"said":"hello"},"required_capabilities":["echo"],"priority":5,"deadline":"{{{deadline:O}}}","resource_allocation":{"cpu_cores":0.5,"memory_mb":16,"disk_mb":8}}"""));
        var done = await system.WaitForTaskAsync("snake-1", "Completed");
        Assert.Equal("hello", done.Result!.Value.GetProperty("said").GetString());
        Assert.Equal(5, done.Priority);
        Assert.Equal(new TaskResources { CpuCores = 0.5, MemoryMb = 16, DiskMb = 8 }, done.Resources); // not read as nothing
        Assert.Equal(deadline, done.Deadline!.Value, TimeSpan.FromMilliseconds(1));
        // The deadline reaches the agent: a snake_case sleep past its deadline is cancelled there and times out.
        Assert.True(await system.Broker.PublishAsync(system.VirtualHost, EntityNames.Tasks,
            $$$"""{"task_id":"snake-late","task_type":"sleep","task_data":{"ms":30000},"deadline":"{{{DateTimeOffset.UtcNow.AddSeconds(2):O}}}","resources":{"cpu_cores":0.25}}"""));
        var late = await system.WaitForTaskAsync("snake-late", "TimedOut");
        Assert.Contains("timed out", late.Error);
        Assert.Equal(0.25, late.Resources.CpuCores);
        Assert.True(late.FinishedAt - late.StartedAt < TimeSpan.FromSeconds(10), "the sleep was cancelled at its deadline, not left to run");

        // Over HTTP too; and a mix of the two namings is a 400 naming the fields, with nothing recorded.
        using (var response = await system.Api.Http.PostAsync("/api/tasks", new StringContent(
                   """{"task_id":"snake-2","task_type":"echo","task_data":{"n":2}}""", System.Text.Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(2, (await system.WaitForTaskAsync("snake-2", "Completed")).Result!.Value.GetProperty("n").GetInt32());
        using (var mixed = await system.Api.Http.PostAsync("/api/tasks", new StringContent(
                   """{"task_id":"mixed-1","taskType":"echo"}""", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, mixed.StatusCode);
            var error = (await mixed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString();
            Assert.Contains("mixes snake_case (task_id) and camelCase (taskType)", error);
        }
        Assert.Null(await system.Api.TaskAsync("mixed-1"));

        // Through the broker a mix cannot be read at all: it goes to coordinator.intake_error with the reason, and the
        // tasks after it run.
        await system.Broker.PublishAsync(system.VirtualHost, EntityNames.Tasks, """{"task_id":"mixed-2","task_type":"echo","taskType":"sleep"}""");
        await system.Broker.PublishAsync(system.VirtualHost, EntityNames.Tasks, """{"taskId":"after-mixed","taskType":"echo"}""");
        await system.WaitForTaskAsync("after-mixed", "Completed");
        var refused = await Eventually.Until(() => system.Broker.GetMessagesAsync(system.VirtualHost, EntityNames.IntakeQueue + "_error"),
            m => m.Count == 1, TimeSpan.FromSeconds(20), "the mixed message in coordinator.intake_error");
        Assert.Contains("task_type and taskType", refused[0].Headers.GetRawText());
        Assert.Null(await system.Api.TaskAsync("mixed-2"));

        // Inside the resources too: a mix, both names for a field, or a resource it does not know is refused naming them,
        // never run as a task that needs nothing; so is a task giving both resource_allocation and resources.
        foreach (var (body, error) in new[]
                 {
                     ("""{"task_id":"mixed-3","task_type":"echo","resource_allocation":{"cpuCores":1}}""",
                         "mixes snake_case (task_id, task_type, resource_allocation) and camelCase (resource_allocation.cpuCores)"),
                     ("""{"task_id":"mixed-4","task_type":"echo","resources":{"cpu_cores":1,"memoryMb":16}}""",
                         "mixes snake_case (task_id, task_type, resources.cpu_cores) and camelCase (resources.memoryMb)"),
                     ("""{"task_id":"mixed-5","task_type":"echo","resources":{"memory_mb":1,"gpus":2}}""", "resources has no field gpus"),
                     ("""{"task_id":"mixed-6","task_type":"echo","resource_allocation":{},"resources":{}}""",
                         "resource_allocation and resources: one field under two names"),
                 })
        {
            using var response = await system.Api.Http.PostAsync("/api/tasks", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(error, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        }
        await system.Broker.PublishAsync(system.VirtualHost, EntityNames.Tasks, """{"task_id":"mixed-7","task_type":"echo","resources":{"cpuCores":1}}""");
        await system.Broker.PublishAsync(system.VirtualHost, EntityNames.Tasks, """{"task_id":"after-mixed-7","task_type":"echo","resources":{"memory_mb":1}}""");
        await system.WaitForTaskAsync("after-mixed-7", "Completed");
        refused = await Eventually.Until(() => system.Broker.GetMessagesAsync(system.VirtualHost, EntityNames.IntakeQueue + "_error"),
            m => m.Count == 1, TimeSpan.FromSeconds(20), "the second mixed message in coordinator.intake_error");
        Assert.Contains("and camelCase (resources.cpuCores)", refused[0].Headers.GetRawText());
        foreach (var id in new[] { "mixed-3", "mixed-4", "mixed-5", "mixed-6", "mixed-7" })
            Assert.Null(await system.Api.TaskAsync(id));
    }
}
