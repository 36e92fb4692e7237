using Npgsql;

namespace Coordinator.IntegrationTests.Infrastructure;

/// <summary>A throw-away database on the local PostgreSQL (started by scripts/ensure-postgres.sh).</summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    const string Admin = "Host=127.0.0.1;Port=5432;Username=coordinator;Password=coordinator;Database=coordinator;Timeout=10";

    PostgresDatabase(string name) => Name = name;

    public string Name { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port=5432;Username=coordinator;Password=coordinator;Database={Name};Timeout=10";

    public static async Task<PostgresDatabase> CreateAsync()
    {
        var database = new PostgresDatabase($"test_{Guid.NewGuid():N}");
        await using var connection = new NpgsqlConnection(Admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{database.Name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return database;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(Admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
