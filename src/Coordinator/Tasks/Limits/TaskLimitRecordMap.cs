using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Coordinator.Tasks.Limits;

public sealed class TaskLimitRecordMap : IEntityTypeConfiguration<TaskLimitRecord>
{
    public void Configure(EntityTypeBuilder<TaskLimitRecord> entity)
    {
        entity.ToTable("task_limits");
        entity.HasKey(x => x.TaskType);
        entity.Property(x => x.TaskType).HasMaxLength(TaskLimits.MaxTypeLength);
    }
}
