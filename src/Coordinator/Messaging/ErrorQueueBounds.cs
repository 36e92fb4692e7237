namespace Coordinator.Messaging;

/// <summary>
/// Sets the bound on the error queues (<c>Coordinator:ErrorQueueMaxLength</c>, <c>Coordinator:ErrorQueueMaxAge</c>) as the
/// coordinator starts, as a RabbitMQ operator policy on its virtual host: what could not be consumed is kept for a look, not
/// for ever. Tried again every 30 s while the broker's management API cannot be reached; every instance sets the same.
/// </summary>
public sealed partial class ErrorQueueBounds(BrokerQueues queues, CoordinatorOptions options, ILogger<ErrorQueueBounds> logger) : BackgroundService
{
    static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await queues.BoundErrorQueuesAsync(options.ErrorQueueMaxLength, options.ErrorQueueMaxAge, stoppingToken);
                LogBounded(options.ErrorQueueMaxLength, options.ErrorQueueMaxAge);
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
            {
                LogNotYet(ex.Message);
            }
            try
            {
                await Task.Delay(RetryInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(LogLevel.Information, "Error queues bounded: at most {MaxLength} messages each, none older than {MaxAge} (operator policy " + BrokerQueues.ErrorQueuePolicyName + ")")]
    partial void LogBounded(int maxLength, TimeSpan maxAge);

    [LoggerMessage(LogLevel.Warning, "Could not bound the error queues yet ({Error}); trying again in 30 s")]
    partial void LogNotYet(string error);
}
