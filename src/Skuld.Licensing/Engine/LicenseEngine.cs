using System.Collections.Immutable;

namespace Skuld.Licensing.Engine;

/// <summary>
/// The one place that decides licenses. Pure: no I/O, no clock. Every surface calls it.
/// </summary>
public static class LicenseEngine
{
    /// <summary>
    /// Evaluates an assignLicense request (adds and removes applied together, all-or-nothing).
    /// </summary>
    public static DirectOutcome AssignDirect(
        TenantSnapshot tenant,
        UserSnapshot user,
        ImmutableArray<LicenseRequest> add,
        ImmutableArray<Guid> remove) => throw new NotImplementedException();

    /// <summary>The products a user holds from the given assignments, ordered by skuId.</summary>
    public static ImmutableArray<EffectiveLicense> Effective(
        TenantSnapshot tenant,
        IEnumerable<AssignmentState> assignments) => throw new NotImplementedException();
}
