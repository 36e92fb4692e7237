using System.Text.RegularExpressions;

namespace Coordinator.UnitTests.Architecture;

/// <summary>
/// Dependencies between the coordinator's capability folders run one way: a folder that uses a type declared in another may
/// not be used by it, directly or through others. Read from the source: a folder depends on another when any of its files
/// names one of that folder's top-level types, or its namespace (comments aside).
/// </summary>
public partial class The_capability_folders
{
    static readonly string Source = Path.Combine(FindRoot(), "src", "Coordinator");

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Coordinator.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("Coordinator.sln not found above " + AppContext.BaseDirectory);
    }

    static Dictionary<string, HashSet<string>> Dependencies()
    {
        var folders = Directory.GetDirectories(Source).Select(Path.GetFileName).OfType<string>()
            .Where(f => f is not ("bin" or "obj" or "Properties")).ToList();
        var files = folders.ToDictionary(f => f, f => Directory.GetFiles(Path.Combine(Source, f), "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}Migrations{Path.DirectorySeparatorChar}")).ToList());
        var types = folders.ToDictionary(f => f, f => files[f]
            .SelectMany(p => TopLevelType().Matches(File.ReadAllText(p)).Select(m => m.Groups[1].Value)).ToHashSet());
        return folders.ToDictionary(f => f, f =>
        {
            var code = string.Join("\n", files[f].SelectMany(File.ReadLines).Where(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal)));
            return folders.Where(g => g != f && (Regex.IsMatch(code, $@"\bCoordinator\.{g}\b") || types[g].Any(t => Regex.IsMatch(code, $@"(?<!\w){t}\b"))))
                .ToHashSet();
        });
    }

    [Fact]
    public void Depend_on_each_other_one_way_only()
    {
        var dependencies = Dependencies();
        var cycles = new List<string>();
        foreach (var start in dependencies.Keys)
        {
            // A path back to the start, if any, by depth-first search.
            var path = Find(start, start, dependencies, [start], []);
            if (path is not null)
                cycles.Add(string.Join(" -> ", path));
        }

        Assert.True(cycles.Count == 0, "cycles between capability folders:\n" + string.Join("\n", cycles.Distinct()));
    }

    [Fact]
    public void Match_the_agreed_direction()
    {
        var dependencies = Dependencies();

        // Api -> Tasks, Agents, Health, Scaling; Tasks reads Agents' registry; Health and Scaling read Tasks; none reads Api or Scaling.
        Assert.DoesNotContain("Tasks", dependencies["Agents"]);
        Assert.DoesNotContain("Health", dependencies["Tasks"]);
        Assert.DoesNotContain("Scaling", dependencies["Tasks"]);
        Assert.Empty(dependencies["Persistence"]);
        Assert.All(dependencies.Where(d => d.Key != "Api"), d => Assert.DoesNotContain("Api", d.Value));
    }

    static List<string>? Find(string at, string target, Dictionary<string, HashSet<string>> dependencies, List<string> path, HashSet<string> seen)
    {
        foreach (var next in dependencies[at])
        {
            if (next == target)
                return [.. path, next];
            if (!seen.Add(next))
                continue;
            if (Find(next, target, dependencies, [.. path, next], seen) is { } found)
                return found;
        }
        return null;
    }

    [GeneratedRegex(@"^(?:public |internal )?(?:(?:sealed|static|abstract|partial) )*(?:class|record|interface|enum|struct) ([A-Z]\w*)", RegexOptions.Multiline)]
    private static partial Regex TopLevelType();
}
