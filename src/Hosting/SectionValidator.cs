using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Coordinator.Hosting;

/// <summary>
/// Data-annotation (and <see cref="IValidatableObject"/>) validation whose failures name the full
/// configuration key, e.g. <c>Coordinator:FailureThreshold</c>, so a bad value is easy to find.
/// </summary>
public sealed class SectionValidator<TOptions>(string section) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        if (results.Count == 0)
            return ValidateOptionsResult.Success;

        var failures = results.Select(r =>
        {
            var members = r.MemberNames.Any() ? string.Join(", ", r.MemberNames.Select(m => $"{section}:{m}")) : section;
            return $"{members}: {r.ErrorMessage}";
        });
        return ValidateOptionsResult.Fail(failures);
    }
}
