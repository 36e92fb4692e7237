using System.Text.Json;
using System.Text.Json.Serialization;

namespace CoordinatorCli.Api;

/// <summary>The API's JSON shape: camelCase, enums as strings, absent optional fields left out.</summary>
public static class CliJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public static JsonSerializerOptions Indented { get; } = new(Options) { WriteIndented = true };

    /// <summary>A JSON value for display: strings bare, anything else as indented JSON.</summary>
    public static string? Describe(JsonElement? value) => value switch
    {
        null => null,
        { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => null,
        { ValueKind: JsonValueKind.String } v => v.GetString(),
        { } v => JsonSerializer.Serialize(v, Indented),
    };
}
