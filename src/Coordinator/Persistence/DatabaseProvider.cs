namespace Coordinator.Persistence;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}
