using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Coordinator.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class TaskControl : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_tasks_Status",
                table: "tasks");

            migrationBuilder.AddColumn<string>(
                name: "Checkpoint",
                table: "tasks",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "CheckpointAt",
                table: "tasks",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "CheckpointVersion",
                table: "tasks",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "EarlierRuns",
                table: "tasks",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "FirstAttempt",
                table: "tasks",
                type: "integer",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ProgressAt",
                table: "tasks",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ProgressMessage",
                table: "tasks",
                type: "character varying(1024)",
                maxLength: 1024,
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "ProgressPercent",
                table: "tasks",
                type: "double precision",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_tasks_FinishedAt",
                table: "tasks",
                column: "FinishedAt");

            migrationBuilder.CreateIndex(
                name: "IX_tasks_Status_SubmittedAt",
                table: "tasks",
                columns: new[] { "Status", "SubmittedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_tasks_TaskType_SubmittedAt",
                table: "tasks",
                columns: new[] { "TaskType", "SubmittedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_tasks_FinishedAt",
                table: "tasks");

            migrationBuilder.DropIndex(
                name: "IX_tasks_Status_SubmittedAt",
                table: "tasks");

            migrationBuilder.DropIndex(
                name: "IX_tasks_TaskType_SubmittedAt",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "Checkpoint",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "CheckpointAt",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "CheckpointVersion",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "EarlierRuns",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "FirstAttempt",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "ProgressAt",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "ProgressMessage",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "ProgressPercent",
                table: "tasks");

            migrationBuilder.CreateIndex(
                name: "IX_tasks_Status",
                table: "tasks",
                column: "Status");
        }
    }
}
