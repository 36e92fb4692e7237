using System.ComponentModel.DataAnnotations;

namespace Coordinator.Hosting;

/// <summary>
/// Validation of a section inside a section (<c>Provisioning:Docker</c>, <c>Alerts:ErrorRate</c>): its failures carry the
/// inner name, so the outer <see cref="SectionValidator{TOptions}"/> names the full key.
/// </summary>
public static class NestedValidation
{
    public static IEnumerable<ValidationResult> Validate(object section, string name)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(section, new ValidationContext(section), results, validateAllProperties: true);
        return results.Select(r => new ValidationResult(r.ErrorMessage, r.MemberNames.Select(m => $"{name}:{m}").ToArray()));
    }
}
