using System.Net.Http.Json;
using System.Security.Authentication;
using System.Text.Json;
using Coordinator.Hosting;
using Coordinator.IntegrationTests.Infrastructure;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Xunit.Abstractions;

namespace Coordinator.IntegrationTests.Coordinators;

/// <summary>
/// RabbitMq:UseTls and an https:// Coordinator:HttpUrl on a broker node whose only AMQP listener is TLS, with certificates
/// made by openssl for the test (<see cref="TlsBroker"/>): the coordinator and an agent connect over AMQPS, the API answers
/// over HTTPS, tasks complete; a client that does not trust the test's CA is refused by both.
/// </summary>
[Collection(BrokerOutageCollection.Name)]
public sealed class When_everything_speaks_tls(TlsBroker tls, ITestOutputHelper output) : IClassFixture<TlsBroker>
{
    [Fact]
    public async Task Tasks_run_over_amqps_and_the_api_answers_over_https()
    {
        await using var system = await TestSystem.StartAsync(tls: tls);
        Assert.StartsWith("https://", system.Api.Http.BaseAddress!.ToString());
        await system.StartActiveAgentsAsync(("tls-agent", []));

        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
            ids.Add(await system.Api.SubmitAsync(new { taskType = "echo", payload = new { i } }));
        foreach (var id in ids)
            Assert.Equal("tls-agent", (await system.WaitForTaskAsync(id, "Completed")).AgentId);

        // Every connection the broker has in this virtual host is TLS (there is no other listener; the broker says so too).
        // (The management API lists a connection once its statistics are in: waited for.)
        var connections = await Eventually.Until(() => system.Broker.ConnectionsAsync(system.VirtualHost),
            list => list.Any(c => c.Name.Contains("coordinator", StringComparison.Ordinal)) && list.Any(c => c.Name.Contains("tls-agent", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), "the broker to list the coordinator's and the agent's connections", system.Diagnostics);
        output.WriteLine(string.Join("\n", connections.Select(c => $"{c.Name} ssl={c.Ssl} {c.Protocol}")));
        Assert.Contains(connections, c => c.Name.Contains("coordinator", StringComparison.Ordinal));
        Assert.Contains(connections, c => c.Name.Contains("tls-agent", StringComparison.Ordinal));
        Assert.All(connections, c => Assert.True(c.Ssl, $"{c.Name} is not TLS"));

        // A client that trusts only the machine's roots is refused by the broker's certificate and by the API's.
        var untrusting = new ConnectionFactory
        {
            HostName = "127.0.0.1", Port = Coordinator.Testing.RabbitMqCluster.TlsAmqpPort, VirtualHost = system.VirtualHost,
            UserName = system.BrokerUsername, Password = system.BrokerPassword,
            Ssl = new SslOption("127.0.0.1", enabled: true) { Version = BrokerTls.Protocols },
        };
        var amqp = await Assert.ThrowsAnyAsync<BrokerUnreachableException>(() => untrusting.CreateConnectionAsync());
        output.WriteLine($"AMQPS without the CA: {amqp.InnerException?.GetType().Name}: {amqp.InnerException?.Message}");
        Assert.Contains(Flatten(amqp), e => e is AuthenticationException);

        using var plain = new HttpClient { BaseAddress = system.Api.Http.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        var https = await Assert.ThrowsAsync<HttpRequestException>(() => plain.GetAsync("/health/ready"));
        output.WriteLine($"HTTPS without the CA: {https.Message}");
        Assert.Contains(Flatten(https), e => e is AuthenticationException);

        // Trusting the CA, the same name checks still apply: "127.0.0.1" is in the certificate, another name is not.
        var misnamed = RabbitMqCluster(system);
        misnamed.TlsServerName = "not-the-broker.example";
        var wrongName = new ConnectionFactory
        {
            HostName = "127.0.0.1", Port = misnamed.Port, VirtualHost = system.VirtualHost, UserName = system.BrokerUsername, Password = system.BrokerPassword,
            Ssl = BrokerTls.For(misnamed, misnamed.Cluster[0]),
        };
        var named = await Assert.ThrowsAnyAsync<BrokerUnreachableException>(() => wrongName.CreateConnectionAsync());
        Assert.Contains(Flatten(named), e => e is AuthenticationException);
        var rightName = new ConnectionFactory
        {
            HostName = "127.0.0.1", Port = misnamed.Port, VirtualHost = system.VirtualHost, UserName = system.BrokerUsername, Password = system.BrokerPassword,
            Ssl = BrokerTls.For(RabbitMqCluster(system), misnamed.Cluster[0]),
        };
        await using (await rightName.CreateConnectionAsync()) { }
    }

    RabbitMqOptions RabbitMqCluster(TestSystem system)
    {
        var options = Coordinator.Testing.RabbitMqCluster.TlsOptions(system.VirtualHost, tls.CaPath);
        options.Username = system.BrokerUsername;
        options.Password = system.BrokerPassword;
        return options;
    }

    static IEnumerable<Exception> Flatten(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException aggregate)
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Flatten))
                    yield return inner;
        }
    }
}
