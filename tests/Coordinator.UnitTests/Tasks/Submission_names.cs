using System.Text.Json;
using Coordinator.Contracts;

namespace Coordinator.UnitTests.Tasks;

/// <summary>A submission in camelCase or in the design's snake_case; never a mix.</summary>
public class Submission_names
{
    static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Fact]
    public void The_designs_snake_case_names_read_as_the_camel_case_ones()
    {
        var task = JsonSerializer.Deserialize<SubmitTask>("""
            {"task_id":"t-1","task_type":"echo","task_data":{"x":1},"required_capabilities":["echo"],"priority":3,
             "deadline":"2099-01-01T00:00:00Z","run_at":"2098-01-01T00:00:00Z","resource_allocation":{"cpu_cores":0.5,"memory_mb":64,"disk_mb":128}}
            """, Web)!;

        Assert.Equal("t-1", task.TaskId);
        Assert.Equal("echo", task.TaskType);
        Assert.Equal(1, task.Payload!.Value.GetProperty("x").GetInt32());
        Assert.Equal(["echo"], task.RequiredCapabilities);
        Assert.Equal(3, task.Priority);
        Assert.Equal(new DateTimeOffset(2099, 1, 1, 0, 0, 0, TimeSpan.Zero), task.Deadline);
        Assert.Equal(new DateTimeOffset(2098, 1, 1, 0, 0, 0, TimeSpan.Zero), task.RunAt);
        Assert.Equal(0.5, task.Resources!.CpuCores);
        Assert.Equal(64, task.Resources.MemoryMb);
        Assert.Equal(128, task.Resources.DiskMb);
    }

    [Theory]
    [InlineData("""{"task_type":"echo","resources":{"cpu_cores":2,"memory_mb":512}}""")]
    [InlineData("""{"taskType":"echo","resources":{"cpuCores":2,"memoryMb":512}}""")]
    [InlineData("""{"priority":1,"resources":{"CPU_CORES":2,"Memory_Mb":512}}""")]
    public void Resources_are_read_in_either_naming(string json)
    {
        var task = JsonSerializer.Deserialize<SubmitTask>(json, Web)!;
        Assert.Equal((2.0, 512L, 0L), (task.Resources!.CpuCores, task.Resources.MemoryMb, task.Resources.DiskMb));
    }

    [Fact]
    public void Camel_case_reads_as_before_and_is_what_is_written()
    {
        var task = JsonSerializer.Deserialize<SubmitTask>("""{"taskId":"t-2","taskType":"sleep","payload":{"ms":5},"resources":{"cpuCores":1},"runAt":"2098-01-01T00:00:00Z"}""", Web)!;
        Assert.Equal("sleep", task.TaskType);
        Assert.Equal(5, task.Payload!.Value.GetProperty("ms").GetInt32());

        var written = JsonSerializer.Serialize(task, Web);
        Assert.Contains("\"taskType\":\"sleep\"", written);
        Assert.DoesNotContain("task_type", written);
        var again = JsonSerializer.Deserialize<SubmitTask>(written, Web)!;
        Assert.Equal(("t-2", "sleep", 1.0), (again.TaskId, again.TaskType, again.Resources!.CpuCores));
        Assert.Equal(task.RunAt, again.RunAt);
    }

    [Theory]
    [InlineData("""{"task_type":"echo","taskId":"t-3"}""", "mixes snake_case (task_type) and camelCase (taskId)")]
    [InlineData("""{"task_type":"echo","taskType":"sleep"}""", "task_type and taskType")]
    [InlineData("""{"taskType":"echo","task_data":{},"requiredCapabilities":["echo"]}""", "mixes snake_case (task_data) and camelCase (taskType, requiredCapabilities)")]
    [InlineData("""{"task_type":"echo","resources":{"cpuCores":2}}""", "mixes snake_case (task_type) and camelCase (resources.cpuCores)")]
    [InlineData("""{"taskType":"echo","resources":{"memory_mb":512}}""", "mixes snake_case (resources.memory_mb) and camelCase (taskType)")]
    [InlineData("""{"resource_allocation":{"memoryMb":16}}""", "mixes snake_case (resource_allocation) and camelCase (resource_allocation.memoryMb)")]
    [InlineData("""{"resources":{"cpu_cores":1,"memoryMb":16}}""", "mixes snake_case (resources.cpu_cores) and camelCase (resources.memoryMb)")]
    [InlineData("""{"resources":{"cpu_cores":1,"cpuCores":2}}""", "resources.cpu_cores and resources.cpuCores: one field under two names")]
    [InlineData("""{"task_type":"echo","resource_allocation":{"cpu_cores":1},"resources":{"cpu_cores":1}}""", "resource_allocation and resources: one field under two names")]
    public void A_mix_of_the_two_namings_is_refused_naming_the_fields(string json, string expected)
    {
        var refused = Assert.Throws<SubmissionNamingException>(() => JsonSerializer.Deserialize<SubmitTask>(json, Web));
        Assert.Contains(expected, refused.Message);
        Assert.Contains("camelCase is preferred", refused.Message);
    }

    [Theory]
    [InlineData("""{"taskType":"echo","resources":{"cpuCores":1,"gpus":2}}""", "resources has no field gpus;")]
    [InlineData("""{"task_type":"echo","resource_allocation":{"cpu":2,"memory":512}}""", "resource_allocation has no field cpu, memory;")]
    public void A_resource_it_does_not_know_is_refused_rather_than_ignored(string json, string expected)
    {
        var refused = Assert.Throws<SubmissionNamingException>(() => JsonSerializer.Deserialize<SubmitTask>(json, Web));
        Assert.Contains(expected, refused.Message);
        Assert.Contains("its fields are cpuCores, memoryMb and diskMb (snake_case: cpu_cores, memory_mb, disk_mb)", refused.Message);
    }
}
