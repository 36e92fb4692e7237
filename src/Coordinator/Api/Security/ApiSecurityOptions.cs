using System.ComponentModel.DataAnnotations;
using Coordinator.Hosting;

namespace Coordinator.Api.Security;

/// <summary>
/// Section <c>Api</c>: who may use the HTTP API and the dashboard. Keys are kept as hashes (<c>sha256:</c> and 64 hex digits
/// of the key's SHA-256), each with a role: <see cref="ApiRole.Read"/> reads, <see cref="ApiRole.Operator"/> also changes things.
/// </summary>
public sealed class ApiSecurityOptions : IValidatableObject
{
    public const string Section = "Api";

    public List<ApiKeyEntry> Keys { get; set; } = [];

    /// <summary>
    /// Who may call without a key. Unset: <see cref="ApiOpenTo.Loopback"/> in the Development environment (requests from this
    /// machine, as Hangfire's dashboard trusts them), <see cref="ApiOpenTo.Nobody"/> in any other.
    /// </summary>
    public ApiOpenTo? OpenTo { get; set; }

    /// <summary><c>/health/live</c>, <c>/health/ready</c>, <c>/health/owner</c> and <c>/metrics</c> without a key (true), or behind a read key.</summary>
    public bool OpenProbes { get; set; } = true;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < Keys.Count; i++)
            foreach (var result in NestedValidation.Validate(Keys[i], $"{nameof(Keys)}:{i}"))
                yield return result;
        if (Keys.Select(k => k.Name).Distinct(StringComparer.Ordinal).Count() < Keys.Count)
            yield return new ValidationResult("names one key twice", [nameof(Keys)]);
    }
}

public sealed class ApiKeyEntry
{
    /// <summary>Who holds it (logged with what it does; never the key itself).</summary>
    [Required(AllowEmptyStrings = false)]
    public string Name { get; set; } = "";

    [Required(AllowEmptyStrings = false)]
    [RegularExpression(HashedSecret.Pattern, ErrorMessage = "must be sha256: and the 64 hex digits of the key's SHA-256 (coordinator-cli keys new prints one)")]
    public string Hash { get; set; } = "";

    public ApiRole Role { get; set; } = ApiRole.Read;
}

public enum ApiRole
{
    Read,
    Operator,
}

public enum ApiOpenTo
{
    Nobody,
    Loopback,
    Everyone,
}
