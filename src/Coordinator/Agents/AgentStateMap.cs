using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Coordinator.Agents;

public sealed class AgentStateMap : IEntityTypeConfiguration<AgentState>
{
    public void Configure(EntityTypeBuilder<AgentState> entity)
    {
        entity.ToTable("agents");
        entity.HasKey(x => x.CorrelationId);
        entity.Property(x => x.CorrelationId).ValueGeneratedNever();
        entity.Property(x => x.AgentId).HasMaxLength(64).IsRequired();
        entity.HasIndex(x => x.AgentId).IsUnique();
        entity.Property(x => x.CurrentState).HasMaxLength(32).IsRequired();
        entity.HasIndex(x => x.CurrentState);
        entity.Property(x => x.PreviousState).HasMaxLength(32);
        entity.Property(x => x.StateReason).HasMaxLength(1024);
        entity.Property(x => x.AgentType).HasMaxLength(128);
        entity.Property(x => x.AgentVersion).HasMaxLength(64);
        entity.Property(x => x.HostName).HasMaxLength(256);
        entity.Property(x => x.ReportedStatus).HasMaxLength(32);
        entity.Property(x => x.AssessedStatus).HasMaxLength(32);
        entity.Property(x => x.AssessedReason).HasMaxLength(1024);
        entity.Property(x => x.Version).IsConcurrencyToken();
        entity.Property(x => x.Labels).HasConversion(
                v => JsonSerializer.Serialize(v, (JsonSerializerOptions?)null),
                v => JsonSerializer.Deserialize<Dictionary<string, string>>(v, (JsonSerializerOptions?)null) ?? new Dictionary<string, string>(),
                new ValueComparer<Dictionary<string, string>>(
                    (a, b) => a!.Count == b!.Count && !a.Except(b).Any(),
                    v => v.Aggregate(0, (hash, pair) => HashCode.Combine(hash, pair.Key, pair.Value)),
                    v => new Dictionary<string, string>(v)))
            .HasMaxLength(8192);
    }
}
