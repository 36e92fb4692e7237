using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Coordinator.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InitialAgents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "agents",
                columns: table => new
                {
                    CorrelationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CurrentState = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    PreviousState = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    StateReason = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    AgentId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    InstanceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Capabilities = table.Column<string>(type: "TEXT", nullable: false),
                    CpuCores = table.Column<double>(type: "REAL", nullable: false),
                    MemoryMb = table.Column<long>(type: "INTEGER", nullable: false),
                    DiskMb = table.Column<long>(type: "INTEGER", nullable: false),
                    MaxConcurrentTasks = table.Column<int>(type: "INTEGER", nullable: false),
                    AgentType = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    AgentVersion = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    HostName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    ProcessId = table.Column<int>(type: "INTEGER", nullable: false),
                    StartedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    Labels = table.Column<string>(type: "TEXT", maxLength: 8192, nullable: false),
                    RegisteredAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    LastHeartbeat = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    LastHeartbeatSentAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    HeartbeatCount = table.Column<long>(type: "INTEGER", nullable: false),
                    ReportedStatus = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    CpuPercent = table.Column<double>(type: "REAL", nullable: false),
                    MemoryUsedMb = table.Column<long>(type: "INTEGER", nullable: false),
                    DiskUsedMb = table.Column<long>(type: "INTEGER", nullable: false),
                    ActiveTasks = table.Column<int>(type: "INTEGER", nullable: false),
                    ErrorCount = table.Column<int>(type: "INTEGER", nullable: false),
                    MissedHeartbeats = table.Column<int>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_agents", x => x.CorrelationId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_agents_AgentId",
                table: "agents",
                column: "AgentId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_agents_CurrentState",
                table: "agents",
                column: "CurrentState");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "agents");
        }
    }
}
