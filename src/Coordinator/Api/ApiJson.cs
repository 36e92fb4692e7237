using System.Text.Json;
using System.Text.Json.Serialization;

namespace Coordinator.Api;

public static class ApiJson
{
    /// <summary>camelCase, enums as names, case-insensitive reads: the API's JSON everywhere.</summary>
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.PropertyNameCaseInsensitive = true;
        options.Converters.Add(new JsonStringEnumConverter());
        return options;
    }
}
