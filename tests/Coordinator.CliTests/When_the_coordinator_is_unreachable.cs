using System.Net;
using System.Net.Sockets;
using Coordinator.CliTests.Support;

namespace Coordinator.CliTests;

public class When_the_coordinator_is_unreachable
{
    readonly TestCli cli = new();

    [Theory]
    [InlineData("agents")]
    [InlineData("tasks")]
    [InlineData("task", "t-1")]
    [InlineData("watch", "--duration", "5")]
    [InlineData("scaling")]
    [InlineData("scaling", "up", "1")]
    [InlineData("scaling", "down", "1")]
    [InlineData("submit", "--type", "echo")]
    public async Task Every_command_exits_3_naming_the_address_and_the_reason(params string[] args)
    {
        cli.Coordinator.Failure = new HttpRequestException("Connection refused (127.0.0.1:5080)");

        var run = await cli.RunAsync(args);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("cannot reach the coordinator at http://127.0.0.1:5080: Connection refused (127.0.0.1:5080)", run.Error);
    }

    [Fact]
    public async Task A_real_refused_connection_exits_3()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        cli.CreateHttpClient = baseAddress => new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };

        var run = await cli.RunAsync("agents", "--url", $"http://127.0.0.1:{port}");

        Assert.Equal(3, run.ExitCode);
        Assert.Contains($"cannot reach the coordinator at http://127.0.0.1:{port}: ", run.Error);
    }

    [Fact]
    public async Task No_answer_in_time_is_reported_as_unreachable()
    {
        cli.Coordinator.Failure = new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout",
            new TimeoutException());

        var run = await cli.RunAsync("agents");

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("cannot reach the coordinator at http://127.0.0.1:5080: no answer within", run.Error);
    }
}
