using System.Globalization;

namespace Coordinator.Scaling;

/// <summary>
/// The scaling decisions, as pure functions of a snapshot, the memory of earlier checks and the options: no bus,
/// no clock but <see cref="ScalingSnapshot.At"/>.
/// <list type="bullet">
/// <item>Grow when any trigger fires: waiting tasks per free slot of the agents able to run them above
/// BacklogPerSlotThreshold; the oldest waiting task older than WaitTarget; slot utilisation above ScaleUpThreshold;
/// the forecast (predictive) needing more slots; or fewer live agents than MinAgents, which is acted on at once,
/// bypassing the cooldown and the step. The profile started is the cheapest one that serves what waits.</item>
/// <item>Shrink when, for ScaleDownStabilization without a break, the backlog is at most BacklogDownThreshold, waits
/// are within target and utilisation is below ScaleDownThreshold: idle or least-loaded agents it runs are drained,
/// never below the minimum, never so many that the rest would be pushed above ScaleUpThreshold.</item>
/// <item>Never beyond MaxAgents, the budget per hour, or the fleet resources <c>Resources</c> allows.</item>
/// </list>
/// </summary>
public static class ScalingPolicy
{
    public static ScalingDecision Decide(ScalingSnapshot snapshot, ScalingMemory memory, ScalingOptions options)
    {
        var up = ShouldScaleUp(snapshot, memory, options);
        var down = ShouldScaleDown(snapshot, memory, options, up.Pressure);
        var current = Figures.Of(snapshot).Current;
        if (up.Yes)
        {
            return new ScalingDecision
            {
                Action = ScalingAction.Up, Trigger = up.Trigger, Reason = up.Reason, Start = up.Start, Current = current,
                Desired = current + up.Count, Numbers = up.Numbers, Unservable = up.Unservable,
                Memory = down.Memory with { LastScaleUp = snapshot.At, CalmSince = null },
            };
        }
        if (down.Yes)
        {
            return new ScalingDecision
            {
                Action = ScalingAction.Down, Trigger = ScalingTrigger.Idle, Reason = down.Reason, Stop = down.Stop, Current = current,
                Desired = current - down.Stop.Count, Numbers = down.Numbers, Unservable = up.Unservable,
                Memory = down.Memory with { LastScaleDown = snapshot.At },
            };
        }
        return new ScalingDecision
        {
            Action = ScalingAction.Hold, Trigger = up.Pressure ? up.Trigger : ScalingTrigger.None,
            Reason = up.Pressure ? up.Reason : down.Reason, Current = current,
            Desired = Math.Min(options.MaxAgents, current + (up.Pressure ? (int)up.Numbers.GetValueOrDefault("wanted") : 0)),
            Numbers = up.Pressure ? up.Numbers : down.Numbers, Unservable = up.Unservable, Memory = down.Memory,
        };
    }

    /// <summary>Should the fleet grow? Which profiles, how many, and which trigger fired with its numbers.</summary>
    public static ScaleUpAnswer ShouldScaleUp(ScalingSnapshot snapshot, ScalingMemory memory, ScalingOptions options)
    {
        var f = Figures.Of(snapshot);
        var numbers = f.Numbers(snapshot, options);
        var needs = new List<Need>();
        var unservable = new List<DemandGroup>();

        foreach (var group in snapshot.Demand.Where(g => g.Waiting > 0))
        {
            var servers = f.Placeable.Where(a => group.IsServedBy(a.Capabilities, a.Resources)).ToList();
            var free = servers.Sum(a => a.FreeSlots);
            var perSlot = group.Waiting / Math.Max(1.0, free);
            var backlog = perSlot > options.BacklogPerSlotThreshold;
            // A wait that agents already starting will end needs no further agent.
            var waited = group.OldestWait > options.WaitTarget && !(free >= group.Waiting && servers.Any(a => a.Starting));
            if (!backlog && !waited)
                continue;
            if (CheapestServing(group, options) is not { } profile)
            {
                unservable.Add(group);
                continue;
            }
            var count = (int)Math.Ceiling(Math.Max(1, group.Waiting - free) / (double)profile.Concurrency);
            needs.Add(backlog
                ? new Need(profile.Name, count, ScalingTrigger.Backlog,
                    $"{group.Waiting} {group.Describe()} task(s) waiting for {free} free slot(s): {Num(perSlot)} per slot > {Num(options.BacklogPerSlotThreshold)}")
                : new Need(profile.Name, count, ScalingTrigger.WaitTime,
                    $"the oldest of {group.Waiting} {group.Describe()} task(s) has waited {Num(group.OldestWait.TotalSeconds)} s > {Num(options.WaitTarget.TotalSeconds)} s"));
        }

        if (f.Capacity > 0 && f.Utilisation > options.ScaleUpThreshold)
        {
            var desired = (int)Math.Ceiling(f.Placeable.Count * f.Utilisation / options.ScaleUpThreshold);
            needs.Add(new Need(BusiestProfile(f, options), Math.Max(1, desired - f.Placeable.Count), ScalingTrigger.Utilisation,
                $"slot utilisation {Num(f.Utilisation)} ({f.Busy} of {f.Capacity} slots busy) > {Num(options.ScaleUpThreshold)}"));
        }

        if (ForecastAgents(snapshot, options) is { } forecastAgents && forecastAgents > f.Placeable.Count)
        {
            needs.Add(new Need(options.Profiles[0].Name, forecastAgents - f.Placeable.Count, ScalingTrigger.Forecast,
                $"forecast {Num(snapshot.ForecastRate!.Value)} tasks/s in {Num(options.ForecastHorizon.TotalSeconds)} s × {Num(snapshot.MeanTaskSeconds)} s each " +
                $"needs {forecastAgents} agent(s) at {Num(options.ScaleUpThreshold)} utilisation, {f.Placeable.Count} take work"));
            numbers["forecastAgents"] = forecastAgents;
        }

        var belowMinimum = Math.Max(0, options.MinAgents - f.Current);
        if (belowMinimum > 0 && options.Profiles.Count > 0)
        {
            var failed = snapshot.Lost.Where(l => l.Profile is not null).ToList();
            var replacements = failed.Select(l => Find(options, l.Profile!)?.Name).OfType<string>().Take(belowMinimum).ToList();
            foreach (var group in replacements.Concat(Enumerable.Repeat(options.Profiles[0].Name, belowMinimum - replacements.Count)).GroupBy(p => p))
            {
                needs.Add(failed.Count > 0
                    ? new Need(group.Key, group.Count(), ScalingTrigger.AgentFailed,
                        $"agent(s) {string.Join(", ", failed.Select(l => l.AgentId))} lost; {f.Current} live, below the minimum of {options.MinAgents}: replaced at once")
                    : new Need(group.Key, group.Count(), ScalingTrigger.BelowMinimum,
                        $"{f.Current} live agent(s), below the minimum of {options.MinAgents}"));
            }
        }

        if (needs.Count == 0)
        {
            return new ScaleUpAnswer(false, false, ScalingTrigger.None,
                $"no trigger: {f.Waiting} waiting, oldest {Num(f.OldestWait.TotalSeconds)} s (target {Num(options.WaitTarget.TotalSeconds)} s), " +
                $"utilisation {Num(f.Utilisation)} (up above {Num(options.ScaleUpThreshold)})", [], numbers, unservable);
        }

        // Per profile, the largest need stands for all (one overload shows in several triggers); the largest overall names the trigger.
        var byProfile = needs.GroupBy(n => n.Profile)
            .Select(g => g.OrderByDescending(n => n.Count).ThenBy(n => Rank(n.Trigger)).First())
            .OrderBy(n => Rank(n.Trigger)).ThenByDescending(n => n.Count)
            .ToList();
        var main = needs.OrderBy(n => Rank(n.Trigger)).ThenByDescending(n => n.Count).First();
        var reason = string.Join("; ", needs.OrderBy(n => Rank(n.Trigger)).Select(n => n.Reason).Distinct());
        var wanted = byProfile.Sum(n => n.Count);
        numbers["wanted"] = wanted;

        var urgent = belowMinimum > 0;
        if (!urgent && memory.LastScaleUp is { } last && snapshot.At - last < options.ScaleUpCooldown)
        {
            return new ScaleUpAnswer(false, true, main.Trigger,
                $"{reason}; held: scale-up cooldown, {Num((options.ScaleUpCooldown - (snapshot.At - last)).TotalSeconds)} s left", [], numbers, unservable);
        }

        var (start, held) = Fit(byProfile.Select(n => new ProfileCount(n.Profile, n.Count)).ToList(), snapshot, options,
            urgent ? Math.Max(options.ScaleUpStep, belowMinimum) : options.ScaleUpStep);
        if (start.Count == 0)
            return new ScaleUpAnswer(false, true, main.Trigger, $"{reason}; held: {string.Join("; ", held)}", [], numbers, unservable);
        var note = held.Count > 0 ? $" (limited: {string.Join("; ", held)})" : "";
        return new ScaleUpAnswer(true, true, main.Trigger,
            $"{reason}: start {string.Join(", ", start.Select(s => $"{s.Count} × {s.Profile}"))}{note}", start, numbers, unservable);
    }

    /// <summary>Should the fleet shrink? Which agents to drain, and since when the fleet has been calm (carried in the memory).</summary>
    public static ScaleDownAnswer ShouldScaleDown(ScalingSnapshot snapshot, ScalingMemory memory, ScalingOptions options, bool upPressure)
    {
        var f = Figures.Of(snapshot);
        var numbers = f.Numbers(snapshot, options);
        var busy = new List<string>();
        if (f.Waiting > options.BacklogDownThreshold)
            busy.Add($"{f.Waiting} task(s) waiting (> {options.BacklogDownThreshold})");
        if (f.OldestWait > options.WaitTarget)
            busy.Add($"oldest wait {Num(f.OldestWait.TotalSeconds)} s (> {Num(options.WaitTarget.TotalSeconds)} s)");
        if (f.Utilisation >= options.ScaleDownThreshold)
            busy.Add($"utilisation {Num(f.Utilisation)} (not below {Num(options.ScaleDownThreshold)})");
        if (upPressure)
            busy.Add("a scale-up trigger fired");
        if (ForecastAgents(snapshot, options) is { } forecastAgents && forecastAgents >= f.Placeable.Count)
            busy.Add($"the forecast needs {forecastAgents} agent(s)");

        var calmSince = busy.Count == 0 ? memory.CalmSince ?? snapshot.At : (DateTimeOffset?)null;
        var next = memory with { CalmSince = calmSince };
        if (calmSince is not { } since)
            return new ScaleDownAnswer(false, $"not idle: {string.Join("; ", busy)}", [], numbers, next);
        if (f.Current <= options.MinAgents)
            return new ScaleDownAnswer(false, $"idle, at the minimum of {options.MinAgents} agent(s)", [], numbers, next);
        var calm = snapshot.At - since;
        numbers["idleSeconds"] = Math.Round(calm.TotalSeconds, 3);
        if (calm < options.ScaleDownStabilization)
        {
            return new ScaleDownAnswer(false,
                $"idle for {Num(calm.TotalSeconds)} s of the {Num(options.ScaleDownStabilization.TotalSeconds)} s stabilisation window", [], numbers, next);
        }
        var lastChange = Later(memory.LastScaleUp, memory.LastScaleDown);
        if (lastChange is { } changed && snapshot.At - changed < options.ScaleDownCooldown)
        {
            return new ScaleDownAnswer(false,
                $"idle, but the fleet changed {Num((snapshot.At - changed).TotalSeconds)} s ago (scale-down cooldown {Num(options.ScaleDownCooldown.TotalSeconds)} s)",
                [], numbers, next);
        }

        // Idle or least-loaded agents it runs: the unhealthy first, then the least loaded, the dearest, the newest.
        var candidates = f.Live.Where(a => a.Owned && !a.Starting)
            .OrderBy(a => a.State == Agents.AgentStates.Unhealthy ? 0 : 1)
            .ThenBy(a => a.InFlight).ThenByDescending(a => a.CostPerHour).ThenByDescending(a => a.Since).ThenBy(a => a.AgentId, StringComparer.Ordinal)
            .ToList();
        var chosen = new List<FleetMember>();
        int capacity = f.Capacity, load = f.Busy;
        foreach (var candidate in candidates)
        {
            if (chosen.Count >= options.ScaleDownStep || f.Current - chosen.Count <= options.MinAgents)
                break;
            // What it holds stays with it while it drains: the rest must carry the remaining load below the scale-up threshold.
            var capacityAfter = capacity - (candidate.Placeable ? candidate.Concurrency : 0);
            var loadAfter = load - (candidate.Placeable ? candidate.Busy : 0);
            var utilisationAfter = capacityAfter > 0 ? (double)loadAfter / capacityAfter : loadAfter > 0 ? double.PositiveInfinity : 0;
            if (utilisationAfter >= options.ScaleUpThreshold || IsLastServer(candidate, snapshot, f, chosen))
                continue;
            chosen.Add(candidate);
            capacity = capacityAfter;
            load = loadAfter;
        }
        if (chosen.Count == 0)
        {
            return new ScaleDownAnswer(false, candidates.Count == 0
                ? "idle, but every live agent is one the ScalingManager did not start"
                : $"idle, but no agent can go without pushing the others above {Num(options.ScaleUpThreshold)} utilisation", [], numbers, next);
        }
        return new ScaleDownAnswer(true,
            $"idle for {Num(calm.TotalSeconds)} s: {f.Waiting} waiting, oldest wait {Num(f.OldestWait.TotalSeconds)} s, utilisation {Num(f.Utilisation)} " +
            $"< {Num(options.ScaleDownThreshold)}: drain {string.Join(", ", chosen.Select(c => $"{c.AgentId} ({c.InFlight} in flight)"))}",
            chosen.Select(c => c.AgentId).ToList(), numbers, next);
    }

    /// <summary>Agents the forecast arrival rate needs at the target utilisation (Little's law: busy slots = rate × time per task).</summary>
    public static int? ForecastAgents(ScalingSnapshot snapshot, ScalingOptions options)
    {
        if (!options.Predictive || snapshot.ForecastRate is not { } rate || snapshot.MeanTaskSeconds <= 0 || options.Profiles.Count == 0)
            return null;
        var slots = rate * snapshot.MeanTaskSeconds / Math.Max(0.01, options.ScaleUpThreshold);
        return (int)Math.Ceiling(slots / options.Profiles[0].Concurrency);
    }

    /// <summary>
    /// What of <paramref name="wanted"/> may start, in order: within the step, the maximum, the budget, the fleet's resources and
    /// the profiles' backoff after a failed start; with what held the rest back.
    /// </summary>
    public static (IReadOnlyList<ProfileCount> Start, IReadOnlyList<string> Held) Fit(IReadOnlyList<ProfileCount> wanted, ScalingSnapshot snapshot,
        ScalingOptions options, int step)
    {
        var f = Figures.Of(snapshot);
        var start = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var held = new List<string>();
        // Agents still draining run until they stop: the maximum counts them (it is what the machine or the budget holds).
        var room = options.MaxAgents - f.Current - f.DrainingOwned;
        var cost = f.CostPerHour;
        double cpu = f.Declared.CpuCores;
        long memory = f.Declared.MemoryMb, disk = f.Declared.DiskMb;
        var limit = snapshot.ResourceLimit;
        var total = 0;
        foreach (var need in wanted)
        {
            if (Find(options, need.Profile) is not { } profile)
                continue;
            if (snapshot.BackingOff.Contains(profile.Name))
            {
                held.Add($"profile {profile.Name} waits out its backoff after a failed start");
                continue;
            }
            for (var i = 0; i < need.Count; i++)
            {
                string? stop = null;
                if (total >= step)
                    stop = $"step of {step}";
                else if (room - total <= 0)
                    stop = $"at the maximum of {options.MaxAgents} agent(s)";
                else if (options.BudgetPerHour is { } budget && cost + profile.CostPerHour > budget + 1e-9)
                    stop = $"budget {Num(budget)}/h: the fleet costs {Num(cost)}/h and a {profile.Name} agent {Num(profile.CostPerHour)}/h";
                else if (limit.CpuCores is { } maxCpu && cpu + profile.CpuCores > maxCpu + 1e-9)
                    stop = $"Resources:FleetCpuCores {Num(maxCpu)}: {Num(cpu)} declared, a {profile.Name} agent needs {Num(profile.CpuCores)}";
                else if (limit.MemoryMb is { } maxMemory && memory + profile.MemoryMb > maxMemory)
                    stop = $"Resources:FleetMemoryMb {maxMemory}: {memory} declared, a {profile.Name} agent needs {profile.MemoryMb}";
                else if (limit.DiskMb is { } maxDisk && disk + profile.DiskMb > maxDisk)
                    stop = $"Resources:FleetDiskMb {maxDisk}: {disk} declared, a {profile.Name} agent needs {profile.DiskMb}";
                if (stop is not null)
                {
                    held.Add(stop);
                    break;
                }
                start[profile.Name] = start.GetValueOrDefault(profile.Name) + 1;
                total++;
                cost += profile.CostPerHour;
                cpu += profile.CpuCores;
                memory += profile.MemoryMb;
                disk += profile.DiskMb;
            }
        }
        return (start.Select(kv => new ProfileCount(kv.Key, kv.Value)).ToList(), held.Distinct().ToList());
    }

    /// <summary>The cheapest profile (per slot, then in configured order) able to run the group's tasks.</summary>
    static AgentProfile? CheapestServing(DemandGroup group, ScalingOptions options) =>
        options.Profiles.Select((p, i) => (Profile: p, Order: i))
            .Where(p => group.IsServedBy(p.Profile.CapabilityList, p.Profile.Resources))
            .OrderBy(p => p.Profile.CostPerHour / p.Profile.Concurrency).ThenBy(p => p.Order)
            .Select(p => p.Profile).FirstOrDefault();

    /// <summary>The profile whose agents carry the most load; the default when it runs none.</summary>
    static string BusiestProfile(Figures f, ScalingOptions options) =>
        f.Placeable.Where(a => a.Owned && Find(options, a.Profile!) is not null)
            .GroupBy(a => a.Profile!, StringComparer.OrdinalIgnoreCase)
            .OrderByDescending(g => g.Sum(a => a.Busy)).Select(g => Find(options, g.Key)!.Name)
            .FirstOrDefault() ?? options.Profiles.FirstOrDefault()?.Name ?? "";

    /// <summary>Whether removing the agent leaves a waiting group with no agent able to run it.</summary>
    static bool IsLastServer(FleetMember candidate, ScalingSnapshot snapshot, Figures f, List<FleetMember> chosen) =>
        candidate.Placeable && snapshot.Demand.Any(g => g.Waiting > 0 && g.IsServedBy(candidate.Capabilities, candidate.Resources)
            && !f.Placeable.Any(a => a != candidate && !chosen.Contains(a) && g.IsServedBy(a.Capabilities, a.Resources)));

    static AgentProfile? Find(ScalingOptions options, string name) =>
        options.Profiles.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    static int Rank(ScalingTrigger trigger) => trigger switch
    {
        ScalingTrigger.AgentFailed => 0,
        ScalingTrigger.BelowMinimum => 1,
        ScalingTrigger.Backlog => 2,
        ScalingTrigger.WaitTime => 3,
        ScalingTrigger.Utilisation => 4,
        ScalingTrigger.Forecast => 5,
        _ => 6,
    };

    static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    static string Num(double value) => Math.Round(value, 2).ToString(CultureInfo.InvariantCulture);

    sealed record Need(string Profile, int Count, ScalingTrigger Trigger, string Reason);

    /// <summary>The fleet's figures, computed once per decision.</summary>
    sealed record Figures(
        List<FleetMember> Live, List<FleetMember> Placeable, int Capacity, int Busy, double Utilisation, int Waiting, TimeSpan OldestWait,
        double CostPerHour, Contracts.AgentResources Declared, int DrainingOwned)
    {
        public int Current => Live.Count;

        public static Figures Of(ScalingSnapshot snapshot)
        {
            var live = snapshot.Agents.Where(a => a.Live).ToList();
            var placeable = snapshot.Agents.Where(a => a.Placeable).ToList();
            var capacity = placeable.Sum(a => a.Concurrency);
            var busy = placeable.Sum(a => a.Busy);
            // Agents still running cost and occupy resources, draining ones too.
            var running = snapshot.Agents.Where(a => a.Live || a.Draining).ToList();
            return new Figures(live, placeable, capacity, busy, capacity > 0 ? (double)busy / capacity : 0,
                snapshot.Demand.Sum(g => g.Waiting), snapshot.Demand.Select(g => g.OldestWait).DefaultIfEmpty(TimeSpan.Zero).Max(),
                running.Where(a => a.Owned).Sum(a => a.CostPerHour),
                new Contracts.AgentResources
                {
                    CpuCores = running.Sum(a => a.Resources.CpuCores),
                    MemoryMb = running.Sum(a => a.Resources.MemoryMb),
                    DiskMb = running.Sum(a => a.Resources.DiskMb),
                },
                snapshot.Agents.Count(a => a.Owned && a.Draining));
        }

        public Dictionary<string, double> Numbers(ScalingSnapshot snapshot, ScalingOptions options)
        {
            var numbers = new Dictionary<string, double>
            {
                ["current"] = Current,
                ["min"] = options.MinAgents,
                ["max"] = options.MaxAgents,
                ["capacity"] = Capacity,
                ["busy"] = Busy,
                ["utilisation"] = Math.Round(Utilisation, 3),
                ["waiting"] = Waiting,
                ["oldestWaitSeconds"] = Math.Round(OldestWait.TotalSeconds, 3),
                ["freeSlots"] = Placeable.Sum(a => a.FreeSlots),
                ["arrivalRate"] = Math.Round(snapshot.ArrivalRate, 3),
                ["costPerHour"] = Math.Round(CostPerHour, 4),
            };
            if (snapshot.ForecastRate is { } forecast)
                numbers["forecastRate"] = Math.Round(forecast, 3);
            if (options.BudgetPerHour is { } budget)
                numbers["budgetPerHour"] = budget;
            return numbers;
        }
    }
}
