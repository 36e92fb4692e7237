using System.CommandLine;

namespace CoordinatorCli.Hosting;

public static class ParseResultExtensions
{
    /// <summary>The option's value when it was given on the command line, else null (keeps "Int32", not "Nullable`1", in parse errors).</summary>
    public static T? GetOptionalValue<T>(this ParseResult parseResult, Option<T> option) where T : struct =>
        parseResult.GetResult(option) is { Implicit: false } ? parseResult.GetValue(option) : null;
}
