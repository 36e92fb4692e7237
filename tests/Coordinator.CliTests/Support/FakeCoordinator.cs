using System.Net;
using System.Text;

namespace Coordinator.CliTests.Support;

/// <summary>
/// An HttpMessageHandler standing in for the coordinator: records every request and answers from routes
/// (first match wins, by method and path-and-query prefix). An unmatched request is a test failure.
/// </summary>
public sealed class FakeCoordinator : HttpMessageHandler
{
    readonly List<(HttpMethod Method, string Prefix, Func<RecordedRequest, (HttpStatusCode Status, string Body)> Answer)> routes = [];
    readonly List<RecordedRequest> requests = [];

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (requests)
            {
                return requests.ToList();
            }
        }
    }

    public Exception? Failure { get; set; }

    public FakeCoordinator On(HttpMethod method, string prefix, HttpStatusCode status, string body) =>
        On(method, prefix, _ => (status, body));

    public FakeCoordinator On(HttpMethod method, string prefix, Func<RecordedRequest, (HttpStatusCode, string)> answer)
    {
        routes.Add((method, prefix, answer));
        return this;
    }

    /// <summary>Answers successive requests to one route with the given bodies, repeating the last one.</summary>
    public FakeCoordinator OnSequence(HttpMethod method, string prefix, params string[] bodies)
    {
        var next = 0;
        return On(method, prefix, _ =>
        {
            var body = bodies[Math.Min(next, bodies.Length - 1)];
            next++;
            return (HttpStatusCode.OK, body);
        });
    }

    public IReadOnlyList<RecordedRequest> RequestsTo(HttpMethod method, string prefix) =>
        Requests.Where(r => r.Method == method && r.PathAndQuery.StartsWith(prefix, StringComparison.Ordinal)).ToList();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var recorded = new RecordedRequest(request.Method, request.RequestUri!.PathAndQuery, body);
        lock (requests)
        {
            requests.Add(recorded);
        }

        if (Failure is not null)
        {
            throw Failure;
        }

        var route = routes.FirstOrDefault(r => r.Method == request.Method && recorded.PathAndQuery.StartsWith(r.Prefix, StringComparison.Ordinal));
        if (route.Answer is null)
        {
            return new HttpResponseMessage(HttpStatusCode.NotImplemented)
            {
                Content = new StringContent($"{{\"error\":\"the fake has no route for {request.Method} {recorded.PathAndQuery}\"}}"),
            };
        }

        (HttpStatusCode status, string text) answer;
        lock (routes)
        {
            answer = route.Answer(recorded);
        }

        return new HttpResponseMessage(answer.status)
        {
            Content = new StringContent(answer.text, Encoding.UTF8, "application/json"),
            RequestMessage = request,
        };
    }
}
