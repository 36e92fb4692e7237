using System.Text.Json;

namespace Coordinator.CliTests.Support;

public sealed record RecordedRequest(HttpMethod Method, string PathAndQuery, string? Body)
{
    public JsonElement Json => JsonDocument.Parse(Body ?? "null").RootElement.Clone();
}
