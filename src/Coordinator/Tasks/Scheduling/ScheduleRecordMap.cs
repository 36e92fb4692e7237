using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Coordinator.Tasks.Scheduling;

public sealed class ScheduleRecordMap : IEntityTypeConfiguration<ScheduleRecord>
{
    public const int MaxId = 100;

    public void Configure(EntityTypeBuilder<ScheduleRecord> entity)
    {
        entity.ToTable("schedules");
        entity.HasKey(x => x.Id);
        entity.Property(x => x.Id).HasMaxLength(MaxId);
        entity.Property(x => x.Cron).HasMaxLength(200);
        entity.Property(x => x.TimeZone).HasMaxLength(100);
        entity.Property(x => x.TaskId).HasMaxLength(128);
        entity.Property(x => x.TaskType).HasMaxLength(TaskRecordMap.MaxTaskType);
        entity.Property(x => x.LastTaskId).HasMaxLength(128);
        entity.Property(x => x.PendingTaskId).HasMaxLength(128);
        entity.Property(x => x.Version).IsConcurrencyToken();
        // The sweep: what is due, the soonest first.
        entity.HasIndex(x => new { x.Paused, x.NextFireAt });
    }
}
