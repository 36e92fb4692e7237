using System.ComponentModel.DataAnnotations;

namespace Coordinator.Persistence;

/// <summary>Section <c>Database</c>: SQLite (embedded default) or PostgreSQL (shared, multi-coordinator).</summary>
public sealed class DatabaseOptions : IValidatableObject
{
    public const string Section = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    [Required(AllowEmptyStrings = false)]
    public string ConnectionString { get; set; } = "Data Source=coordinator.db";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enum.IsDefined(Provider))
            yield return new ValidationResult($"must be Sqlite or Postgres, was '{Provider}'", [nameof(Provider)]);
    }
}
