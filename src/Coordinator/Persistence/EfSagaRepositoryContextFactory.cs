using MassTransit;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;

namespace Coordinator.Persistence;

/// <summary>
/// MassTransit's repository surface over EF Core (MassTransit.EntityFrameworkCore is not available to
/// us): a fresh DbContext per message, so a retry after a concurrency conflict starts from a clean read.
/// </summary>
public sealed class EfSagaRepositoryContextFactory<TSaga>(
    IDbContextFactory<CoordinatorDbContext> dbContextFactory,
    ISagaConsumeContextFactory<DbContext, TSaga> factory)
    : ISagaRepositoryContextFactory<TSaga>, IQuerySagaRepositoryContextFactory<TSaga>, ILoadSagaRepositoryContextFactory<TSaga>
    where TSaga : class, ISaga
{
    public async Task Send<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<TSaga, T>> next) where T : class
    {
        await using var dbContext = dbContextFactory.CreateDbContext();
        var repositoryContext = new EfSagaRepositoryContext<TSaga, T>(dbContext, context, factory);
        await next.Send(repositoryContext);
    }

    public async Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<TSaga> query, IPipe<SagaRepositoryQueryContext<TSaga, T>> next)
        where T : class
    {
        await using var dbContext = dbContextFactory.CreateDbContext();
        var instances = await dbContext.Set<TSaga>().Where(query.FilterExpression).ToListAsync(context.CancellationToken);
        var repositoryContext = new EfSagaRepositoryContext<TSaga, T>(dbContext, context, factory);
        await next.Send(new LoadedSagaRepositoryQueryContext<TSaga, T>(repositoryContext, instances));
    }

    public Task<TResult> Execute<TResult>(Func<LoadSagaRepositoryContext<TSaga>, Task<TResult>> asyncMethod,
        CancellationToken cancellationToken = default) where TResult : class =>
        ExecuteQuery(asyncMethod, cancellationToken);

    public Task<TResult> Execute<TResult>(Func<QuerySagaRepositoryContext<TSaga>, Task<TResult>> asyncMethod,
        CancellationToken cancellationToken = default) where TResult : class =>
        ExecuteQuery(asyncMethod, cancellationToken);

    async Task<TResult> ExecuteQuery<TResult>(Func<EfSagaQueryContext<TSaga>, Task<TResult>> asyncMethod, CancellationToken cancellationToken)
    {
        await using var dbContext = dbContextFactory.CreateDbContext();
        return await asyncMethod(new EfSagaQueryContext<TSaga>(dbContext, cancellationToken));
    }

    public void Probe(ProbeContext context) => context.Add("persistence", "entity-framework-core");
}
