namespace Coordinator.IntegrationTests.Infrastructure;

/// <summary>Coordinator settings for a fleet the ScalingManager runs, with timings shortened for tests (not the scenario).</summary>
public static class ScalingSettings
{
    public static Dictionary<string, string> Fleet(int min, int max, string capabilities = "echo,sleep", int concurrency = 2,
        params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string>
        {
            ["Scaling__Enabled"] = "true",
            ["Scaling__MinAgents"] = min.ToString(),
            ["Scaling__MaxAgents"] = max.ToString(),
            ["Scaling__CheckInterval"] = "00:00:00.500",
            ["Scaling__ScaleUpCooldown"] = "00:00:01",
            ["Scaling__ScaleDownCooldown"] = "00:00:01",
            ["Scaling__ScaleDownStabilization"] = "00:00:03",
            ["Scaling__WaitTarget"] = "00:00:02",
            ["Scaling__Profiles__0__Name"] = "default",
            ["Scaling__Profiles__0__Capabilities"] = capabilities,
            ["Scaling__Profiles__0__Concurrency"] = concurrency.ToString(),
            ["Scaling__Profiles__0__CostPerHour"] = "0.1",
        };
        foreach (var (key, value) in more)
            settings[key] = value;
        return settings;
    }
}
