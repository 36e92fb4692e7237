using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Coordinator.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Schedules : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "RunAt",
                table: "tasks",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "schedules",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Cron = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    TimeZone = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    TaskId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    TaskType = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Task = table.Column<string>(type: "TEXT", nullable: false),
                    Paused = table.Column<bool>(type: "INTEGER", nullable: false),
                    NextFireAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastFiredAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastTaskId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    PendingTaskId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    PendingSince = table.Column<long>(type: "INTEGER", nullable: true),
                    FireCount = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_schedules", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_schedules_Paused_NextFireAt",
                table: "schedules",
                columns: new[] { "Paused", "NextFireAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "schedules");

            migrationBuilder.DropColumn(
                name: "RunAt",
                table: "tasks");
        }
    }
}
