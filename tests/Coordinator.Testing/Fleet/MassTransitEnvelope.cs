using System.Text.Json;
using System.Text.Json.Serialization;

namespace Coordinator.Testing.Fleet;

/// <summary>
/// MassTransit's JSON envelope, written and read by hand as any AMQP client can: content type
/// <c>application/vnd.masstransit+json</c>, the message under <c>message</c>, its type as <c>urn:message:Namespace:Type</c>.
/// </summary>
public static class MassTransitEnvelope
{
    public const string ContentType = "application/vnd.masstransit+json";

    /// <summary>Enums as numbers, which every System.Text.Json reader takes.</summary>
    static readonly JsonSerializerOptions Writing = new(JsonSerializerDefaults.Web);

    /// <summary>Enums as names or numbers.</summary>
    static readonly JsonSerializerOptions Reading = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Urn(Type messageType) => $"urn:message:{messageType.Namespace}:{messageType.Name}";

    public static byte[] Write<T>(T message, DateTimeOffset sentTime) where T : class =>
        JsonSerializer.SerializeToUtf8Bytes(new
        {
            messageId = Guid.NewGuid(),
            messageType = new[] { Urn(typeof(T)) },
            message,
            sentTime = sentTime.UtcDateTime,
        }, Writing);

    /// <summary>The first message type the envelope names (its short name, e.g. <c>AssignTask</c>) and the message; null when it is not an envelope.</summary>
    public static (string Type, JsonElement Message)? Read(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (!root.TryGetProperty("messageType", out var types) || types.ValueKind != JsonValueKind.Array || types.GetArrayLength() == 0
                || !root.TryGetProperty("message", out var message))
                return null;
            var urn = types[0].GetString() ?? "";
            return (urn[(urn.LastIndexOf(':') + 1)..], message.Clone());
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static T? Message<T>(JsonElement message) => message.Deserialize<T>(Reading);
}
