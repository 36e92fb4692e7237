using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Coordinator.Tasks;

public sealed class TaskRecordMap : IEntityTypeConfiguration<TaskRecord>
{
    public void Configure(EntityTypeBuilder<TaskRecord> entity)
    {
        entity.ToTable("tasks");
        entity.HasKey(x => x.TaskId);
        entity.Property(x => x.TaskId).HasMaxLength(128);
        entity.Property(x => x.TaskType).HasMaxLength(128).IsRequired();
        entity.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
        entity.HasIndex(x => x.Status);
        entity.HasIndex(x => x.SubmittedAt);
        entity.Property(x => x.AgentId).HasMaxLength(64);
        entity.Property(x => x.Reason).HasMaxLength(2048);
        entity.Property(x => x.Error).HasMaxLength(8192);
    }
}
