using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Coordinator.Tasks;

public sealed class TaskRecordMap : IEntityTypeConfiguration<TaskRecord>
{
    public const int MaxTaskType = 128, MaxAgentId = 64, MaxReason = 2048, MaxError = 8192, MaxProgressMessage = 1024;

    public void Configure(EntityTypeBuilder<TaskRecord> entity)
    {
        entity.ToTable("tasks");
        entity.HasKey(x => x.TaskId);
        entity.Property(x => x.TaskId).HasMaxLength(128);
        entity.Property(x => x.TaskType).HasMaxLength(MaxTaskType).IsRequired();
        entity.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
        // The listings: newest first, of one status or one type, or all; retention finds finished tasks by FinishedAt.
        entity.HasIndex(x => new { x.Status, x.SubmittedAt });
        entity.HasIndex(x => new { x.TaskType, x.SubmittedAt });
        entity.HasIndex(x => x.SubmittedAt);
        entity.HasIndex(x => x.FinishedAt);
        entity.Property(x => x.AgentId).HasMaxLength(MaxAgentId);
        entity.Property(x => x.Reason).HasMaxLength(MaxReason);
        entity.Property(x => x.Error).HasMaxLength(MaxError);
        entity.Property(x => x.ProgressMessage).HasMaxLength(MaxProgressMessage);
    }
}
