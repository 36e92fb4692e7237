using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Text;

namespace Coordinator.Testing.Tracing;

/// <summary>
/// An OTLP/HTTP trace receiver on 127.0.0.1 (<c>POST /v1/traces</c>, protobuf): it decodes the export requests itself
/// (the wire format: resource spans, scope spans, spans) and keeps each span's service, trace id, parent, name and string
/// attributes. Enough to check what the hosts' OTLP exporters send, without a collector.
/// </summary>
public sealed class OtlpReceiver : IDisposable
{
    public sealed record Span(string Service, string Scope, string TraceId, string SpanId, string ParentSpanId, string Name,
        ulong StartNanos, ulong EndNanos, IReadOnlyDictionary<string, string> Attributes);

    readonly LoopbackHttpServer _server;

    public OtlpReceiver() => _server = new LoopbackHttpServer(ReceiveAsync);

    /// <summary>For <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (with <c>OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf</c>).</summary>
    public string Endpoint => _server.Url;

    public ConcurrentQueue<Span> Spans { get; } = new();

    /// <summary>Requests that could not be decoded, with why (a test should see none).</summary>
    public ConcurrentQueue<string> Errors { get; } = new();

    async Task ReceiveAsync(HttpListenerContext context)
    {
        try
        {
            using var body = new MemoryStream();
            var input = context.Request.Headers["Content-Encoding"] == "gzip"
                ? new GZipStream(context.Request.InputStream, CompressionMode.Decompress)
                : context.Request.InputStream;
            await input.CopyToAsync(body);
            if (context.Request.Url!.AbsolutePath != "/v1/traces")
                Errors.Enqueue($"a request to {context.Request.Url.AbsolutePath}");
            else
                Decode(body.ToArray());
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
        }
        catch (Exception ex) when (ex is FormatException or IOException or IndexOutOfRangeException or ArgumentException)
        {
            Errors.Enqueue(ex.Message);
            context.Response.StatusCode = 400;
        }
    }

    void Decode(byte[] request)
    {
        foreach (var (field, _, resourceSpans, _) in Fields(request))
        {
            if (field != 1)
                continue;
            var service = "";
            var scopes = new List<byte[]>();
            foreach (var (f, _, value, _) in Fields(resourceSpans))
            {
                if (f == 1)
                    service = Attributes(value).GetValueOrDefault("service.name", "");
                else if (f == 2)
                    scopes.Add(value);
            }
            foreach (var scopeSpans in scopes)
            {
                var scope = "";
                foreach (var (f, _, value, _) in Fields(scopeSpans))
                {
                    if (f == 1)
                        scope = Fields(value).Where(x => x.Field == 1).Select(x => Encoding.UTF8.GetString(x.Bytes)).FirstOrDefault() ?? "";
                    else if (f == 2)
                        Spans.Enqueue(SpanOf(service, scope, value));
                }
            }
        }
    }

    static Span SpanOf(string service, string scope, byte[] span)
    {
        string traceId = "", spanId = "", parent = "", name = "";
        ulong start = 0, end = 0;
        var attributes = new Dictionary<string, string>();
        foreach (var (field, _, value, number) in Fields(span))
        {
            switch (field)
            {
                case 1: traceId = Convert.ToHexStringLower(value); break;
                case 2: spanId = Convert.ToHexStringLower(value); break;
                case 4: parent = Convert.ToHexStringLower(value); break;
                case 5: name = Encoding.UTF8.GetString(value); break;
                case 7: start = number; break;
                case 8: end = number; break;
                case 9:
                    foreach (var (key, text) in Attribute(value))
                        attributes[key] = text;
                    break;
            }
        }
        return new Span(service, scope, traceId, spanId, parent, name, start, end, attributes);
    }

    /// <summary>A list of KeyValue (field 1 of a Resource): string values only.</summary>
    static Dictionary<string, string> Attributes(byte[] resource)
    {
        var attributes = new Dictionary<string, string>();
        foreach (var (field, _, value, _) in Fields(resource))
        {
            if (field == 1)
            {
                foreach (var (key, text) in Attribute(value))
                    attributes[key] = text;
            }
        }
        return attributes;
    }

    /// <summary>One KeyValue: key (1), AnyValue (2) whose string_value is field 1; other kinds shown by their number.</summary>
    static IEnumerable<(string Key, string Value)> Attribute(byte[] keyValue)
    {
        string? key = null, text = null;
        foreach (var (field, _, value, _) in Fields(keyValue))
        {
            if (field == 1)
                key = Encoding.UTF8.GetString(value);
            else if (field == 2)
            {
                foreach (var (f, wire, v, n) in Fields(value))
                    text = f == 1 ? Encoding.UTF8.GetString(v) : wire == 0 ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : text;
            }
        }
        if (key is not null)
            yield return (key, text ?? "");
    }

    /// <summary>The fields of one protobuf message: number, wire type, the bytes of a length-delimited one, the number of the rest.</summary>
    static List<(int Field, int Wire, byte[] Bytes, ulong Number)> Fields(byte[] message)
    {
        var fields = new List<(int, int, byte[], ulong)>();
        var at = 0;
        while (at < message.Length)
        {
            var tag = Varint(message, ref at);
            var field = (int)(tag >> 3);
            var wire = (int)(tag & 7);
            switch (wire)
            {
                case 0:
                    fields.Add((field, wire, [], Varint(message, ref at)));
                    break;
                case 1:
                    fields.Add((field, wire, [], BitConverter.ToUInt64(message, at)));
                    at += 8;
                    break;
                case 2:
                    var length = (int)Varint(message, ref at);
                    if (length < 0 || at + length > message.Length)
                        throw new FormatException($"a field {field} of {length} bytes runs past the message");
                    fields.Add((field, wire, message[at..(at + length)], 0));
                    at += length;
                    break;
                case 5:
                    fields.Add((field, wire, [], BitConverter.ToUInt32(message, at)));
                    at += 4;
                    break;
                default:
                    throw new FormatException($"wire type {wire} (field {field}) is not protobuf's");
            }
        }
        return fields;
    }

    static ulong Varint(byte[] message, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = message[at++];
            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
                return value;
        }
        throw new FormatException("a varint longer than ten bytes");
    }

    public void Dispose() => _server.Dispose();
}
