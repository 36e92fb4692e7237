namespace Coordinator.CliTests.Support;

/// <summary>Canned API bodies.</summary>
public static class Json
{
    public static string Task(string id, string status, string? error = null, string? agentId = "agent-1") =>
        $$"""
        {"taskId":"{{id}}","taskType":"echo","status":"{{status}}","agentId":{{Str(agentId)}},"attempts":1,"priority":3,
         "requiredCapabilities":["echo"],"submittedAt":"2030-01-01T11:59:00Z","assignedAt":null,"startedAt":null,
         "finishedAt":null,"deadline":null,"result":null,"error":{{Str(error)}},"reason":null}
        """;

    public static string Accepted(string id) => $$"""{"taskId":"{{id}}"}""";

    /// <summary>A GET /api/scaling body of an enabled fleet: three agents, work no profile serves, a failing profile, two decisions.</summary>
    public static string Scaling(string reason = "25 'sleep' task(s) waiting for 0 free slot(s)", double? budget = null) =>
        $$"""
        {"enabled":true,"provisioner":"local","current":3,"desired":4,"min":3,"max":8,"checkInterval":"00:00:02","predictive":false,
         "numbers":{"current":3,"min":3,"max":8,"capacity":12,"busy":11,"utilisation":0.917,"waiting":25,"oldestWaitSeconds":4.2,
                    "freeSlots":0,"arrivalRate":10.5,"costPerHour":0.15,"forecastRate":12.0,"wanted":2},
         "arrivalRate":10.5,"forecastRate":12.0,"forecastHorizon":"00:00:10","costPerHour":0.15,"budgetPerHour":{{(budget is { } b ? b.ToString(System.Globalization.CultureInfo.InvariantCulture) : "null")}},
         "agents":[
           {"agentId":"default-cc22dd","profile":"default","phase":"Starting","state":"","inFlight":0,
            "decidedAt":"2030-01-01T11:59:58Z","activeAt":null,"drainingSince":null},
           {"agentId":"default-1a2b3c","profile":"default","phase":"Running","state":"Active","inFlight":4,
            "decidedAt":"2030-01-01T11:30:07.07+00:00","activeAt":"2030-01-01T11:30:08.90+00:00","drainingSince":null},
           {"agentId":"default-9f9f9f","profile":"default","phase":"Draining","state":"Draining","inFlight":1,
            "decidedAt":"2030-01-01T11:00:00Z","activeAt":"2030-01-01T11:00:02Z","drainingSince":"2030-01-01T11:59:00Z"}],
         "unservableDemand":[{"taskType":"render","requiredCapabilities":["gpu"],"waiting":12}],
         "startFailures":[{"profile":"gpu","failuresInARow":2,"lastError":"could not start agent: no such file","at":"2030-01-01T11:59:50Z","retryAt":"2030-01-01T12:00:30Z"}],
         "shouldScaleUp":{"yes":false,"trigger":"Backlog","reason":"25 waiting; held: scale-up cooldown, 3 s left"},
         "shouldScaleDown":{"yes":false,"trigger":"None","reason":"not idle: 25 task(s) waiting (> 0)"},
         "lastCheck":{"action":"Up","trigger":"Backlog","reason":{{Str(reason)}}},
         "responseSeconds":{"count":2,"median":1.83,"max":2.0,"last":1.83},
         "decisions":[
           {"at":"2030-01-01T11:59:58Z","action":"Up","trigger":"Backlog","reason":{{Str(reason)}},
            "current":3,"desired":5,"agentIds":["default-aa11bb","default-cc22dd"],"numbers":{"waiting":25} },
           {"at":"2030-01-01T11:00:00Z","action":"Down","trigger":"Idle","reason":"idle for 60 s","current":4,"desired":3,
            "agentIds":["default-9f9f9f"],"numbers":{} }],
         "profiles":[{"name":"default","capabilities":"echo,sleep,compute,fail","concurrency":4,"cpuCores":1,"memoryMb":1024,"diskMb":1024,"costPerHour":0.05}]}
        """;

    /// <summary>GET /api/scaling of a coordinator whose scaling is switched off.</summary>
    public const string ScalingDisabled = """
        {"enabled":false,"provisioner":"local","current":0,"desired":0,"min":0,"max":8,"checkInterval":"00:00:02","predictive":false,
         "numbers":{},"arrivalRate":0,"forecastRate":null,"forecastHorizon":"00:00:10","costPerHour":0,"budgetPerHour":null,
         "agents":[],"unservableDemand":[],"startFailures":[],"lastCheck":null,"responseSeconds":null,"decisions":[],"profiles":[]}
        """;

    static string Str(string? value) => value is null ? "null" : System.Text.Json.JsonSerializer.Serialize(value);
}
