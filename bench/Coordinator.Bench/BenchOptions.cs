using System.Globalization;
using System.Text.Json;

namespace Coordinator.Bench;

/// <summary>The command line. Unset values (null) take the chosen scenario's defaults.</summary>
public sealed record BenchOptions
{
    public static readonly string[] Scenarios = ["throughput", "latency", "scaling", "fairness", "recovery", "scale-response", "ramp", "all",
        "fleet-soak", "fleet-large", "fleet-kill", "fleet-tasks", "fleet-silent", "fleet", "ledger", "queues", "identity", "takeover"];
    static readonly string[] TaskTypes = ["echo", "sleep", "compute"];

    public int? Tasks { get; init; }
    public int Agents { get; init; } = 5;
    public int Concurrency { get; init; } = 4;
    public string TaskType { get; init; } = "echo";
    public JsonElement? Payload { get; init; }
    public double Rate { get; init; }
    public string Strategy { get; init; } = "LeastConnections";
    public string? Scenario { get; init; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(120);
    public int? Repeat { get; init; }
    public int? Warmup { get; init; }

    /// <summary>Simulated agents in the fleet scenarios (null: each scenario's own).</summary>
    public int? Fleet { get; init; }

    /// <summary>How long a fleet soak lasts (null: each scenario's own).</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Coordinator settings given with --set, applied to every coordinator the scenario starts (after its own).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    public const string Usage = """
        Coordinator.Bench: drives tasks through the real coordinator and through a plain MassTransit
        competing-consumers baseline on the local RabbitMQ, each on a virtual host of its own.
        Build first: dotnet build -c Release Coordinator.sln

          --tasks N          tasks per measured run (default 2000; scenarios choose their own unless given)
          --agents N         agent processes (default 5)
          --concurrency N    tasks per agent at once (default 4)
          --type T           echo | sleep | compute (default echo)
          --payload JSON     the task payload (defaults: echo {"hello":"bench"}, sleep {"ms":50}, compute {"iterations":1000})
          --rate R           tasks/s to submit at; 0 = as fast as possible (default 0)
          --strategy NAME    the coordinator's Coordinator__LoadBalancingStrategy (default LeastConnections)
          --scenario NAME    throughput | latency | scaling | fairness | recovery | scale-response | ramp | all
                             (default: one custom run from the options above); or, issue 10, a simulated fleet
                             (agents in this process, each with its own queue; not part of "all"):
                             fleet-soak (1000 agents, 10 min) | fleet-large (5000, 2 min) | fleet-kill (100 of 1000 killed)
                             | fleet-tasks (1000 agents, 2000 tasks) | fleet-silent (1000 fall silent) | fleet (all five)
                             or, issue 13, ledger: --tasks (default 1,000,000) finished tasks in SQLite and PostgreSQL,
                             listings timed over them, then a retention run (not part of "all")
                             or, issue 14, queues: echo throughput with classic queues, quorum queues on one node and
                             quorum queues on a three-node cluster (scripts/rabbitmq-cluster.sh; not part of "all");
                             takeover: the owner of two coordinators on PostgreSQL killed --repeat times (default 5),
                             the standby's takeover and the first task placed timed (not part of "all")
                             or, issue 15, identity: echo throughput with agents believed (AgentIdentity Claimed) and with
                             agents enrolled by bootstrap token as their own broker users (Broker) (not part of "all")
          --fleet N          simulated agents for the fleet scenarios (default: each scenario's own)
          --duration S       seconds a fleet soak lasts (default: each scenario's own)
          --repeat N         measured repetitions per system, medians reported (default 3 in scenarios, 1 otherwise;
                             scale-response: rounds, default 5; ramp: default 1, each takes over two minutes per system)
          --warmup N         unmeasured tasks run first on each system, as fast as possible (default: as many as a measured run, at most 2000, 200 of sleep)
          --timeout S        longest one measured run may take, seconds (default 120)
          --set KEY=VALUE    a coordinator setting for every coordinator started (repeatable), e.g.
                             --set Scaling:ScaleDownThreshold=0.5 (':' or '__' between sections)
        """;

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help")
                throw new HelpRequestedException();
            if (i + 1 >= args.Count)
                throw new ArgumentException($"{name} needs a value");
            var value = args[++i];
            options = name switch
            {
                "--tasks" => options with { Tasks = Int(name, value, 1, 1_000_000) },
                "--agents" => options with { Agents = Int(name, value, 1, 50) },
                "--concurrency" => options with { Concurrency = Int(name, value, 1, 1024) },
                "--type" => options with { TaskType = OneOf(name, value, TaskTypes) },
                "--payload" => options with { Payload = Json(name, value) },
                "--rate" => options with { Rate = Number(name, value, 0, 1_000_000) },
                "--strategy" => options with { Strategy = NonEmpty(name, value) },
                "--scenario" => options with { Scenario = OneOf(name, value, Scenarios) },
                "--repeat" => options with { Repeat = Int(name, value, 1, 20) },
                "--warmup" => options with { Warmup = Int(name, value, 0, 100_000) },
                "--timeout" => options with { Timeout = TimeSpan.FromSeconds(Int(name, value, 1, 3600)) },
                "--set" => options with { Settings = With(options.Settings, name, value) },
                "--fleet" => options with { Fleet = Int(name, value, 1, 20_000) },
                "--duration" => options with { Duration = TimeSpan.FromSeconds(Int(name, value, 1, 24 * 3600)) },
                _ => throw new ArgumentException($"unknown option {name}"),
            };
        }
        return options;
    }

    /// <summary>The payload for a task type: the one given on the command line, else the type's default.</summary>
    public JsonElement PayloadFor(string taskType) => Payload ?? JsonSerializer.SerializeToElement<object>(taskType switch
    {
        "sleep" => new { ms = 50 },
        "compute" => new { iterations = 1000 },
        _ => new { hello = "bench" },
    });

    static int Int(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ArgumentException($"{name} must be a whole number from {min} to {max}, was '{value}'");

    static double Number(string name, string value, double min, double max) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ArgumentException($"{name} must be a number from {min} to {max}, was '{value}'");

    static string OneOf(string name, string value, string[] allowed) =>
        allowed.FirstOrDefault(a => string.Equals(a, value, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"{name} must be one of {string.Join(", ", allowed)}, was '{value}'");

    static Dictionary<string, string> With(IReadOnlyDictionary<string, string> settings, string name, string value)
    {
        var at = value.IndexOf('=');
        if (at <= 0)
            throw new ArgumentException($"{name} must be KEY=VALUE, was '{value}'");
        return new Dictionary<string, string>(settings) { [value[..at].Replace(":", "__", StringComparison.Ordinal)] = value[(at + 1)..] };
    }

    static string NonEmpty(string name, string value) =>
        string.IsNullOrWhiteSpace(value) ? throw new ArgumentException($"{name} must not be empty") : value.Trim();

    static JsonElement Json(string name, string value)
    {
        try
        {
            using var document = JsonDocument.Parse(value);
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"{name} is not valid JSON: {ex.Message}");
        }
    }
}
