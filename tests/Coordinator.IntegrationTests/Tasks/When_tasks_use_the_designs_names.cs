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

        // Plain JSON from any AMQP client (here through the management API), in the design's names.
        Assert.True(await system.Broker.PublishAsync(system.VirtualHost, EntityNames.Tasks,
            """{"task_id":"snake-1","task_type":"echo","task_data":{"said":"hello"},"required_capabilities":["echo"],"priority":5,"resource_allocation":{"memoryMb":16}}"""));
        var done = await system.WaitForTaskAsync("snake-1", "Completed");
        Assert.Equal("hello", done.Result!.Value.GetProperty("said").GetString());
        Assert.Equal(5, done.Priority);

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
    }
}
