using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Coordinator.Ownership;

public sealed class LeaseRecordMap : IEntityTypeConfiguration<LeaseRecord>
{
    public void Configure(EntityTypeBuilder<LeaseRecord> entity)
    {
        entity.ToTable("coordinator_leases");
        entity.HasKey(x => x.Name);
        entity.Property(x => x.Name).HasMaxLength(64);
        entity.Property(x => x.Holder).HasMaxLength(200);
        entity.Property(x => x.HolderUrl).HasMaxLength(200);
    }
}
