namespace Coordinator.CliTests.Support;

/// <summary>Canned API bodies.</summary>
public static class Json
{
    public static string Task(string id, string status, string? error = null, string? agentId = "agent-1") =>
        $$"""
        {"taskId":"{{id}}","taskType":"echo","status":"{{status}}","agentId":{{Str(agentId)}},"attempts":1,"priority":3,
         "requiredCapabilities":["echo"],"submittedAt":"2030-01-01T11:59:00Z","assignedAt":null,"startedAt":null,
         "finishedAt":null,"deadline":null,"result":null,"error":{{Str(error)}},"reason":null}
        """;

    public static string Accepted(string id) => $$"""{"taskId":"{{id}}"}""";

    static string Str(string? value) => value is null ? "null" : System.Text.Json.JsonSerializer.Serialize(value);
}
