using System.Collections.Immutable;
using Skuld.Licensing.Catalogue;
using Skuld.Licensing.Rules;

namespace Skuld.Licensing.Engine;

/// <summary>A tenant's stock of one product: the sum of its subscriptions, and the seats in use.</summary>
public sealed record SkuStock(Product Product, int EnabledUnits, int ConsumedUnits)
{
    public int Available => Math.Max(0, EnabledUnits - ConsumedUnits);
}

/// <summary>Everything about a tenant that decides licenses.</summary>
public sealed record TenantSnapshot(
    string CountryLetterCode,
    ImmutableDictionary<Guid, SkuStock> Skus,
    PlanRules Rules);

/// <summary>
/// One assignment of a product to a user and its outcome: direct (<see cref="AssignedByGroup"/> null)
/// or through a group. A user has one per (SKU, source).
/// </summary>
public sealed record AssignmentState(
    Guid SkuId,
    Guid? AssignedByGroup,
    ImmutableArray<Guid> DisabledPlans,
    LicenseState State,
    LicenseError Error)
{
    public bool IsDirect => AssignedByGroup is null;

    /// <summary>Whether this assignment gives the user the product (and so uses a seat).</summary>
    public bool GrantsLicense => State is LicenseState.Active or LicenseState.ActiveWithError;
}

/// <summary>A user as the engine sees it.</summary>
public sealed record UserSnapshot(
    Guid UserId,
    string? UsageLocation,
    ImmutableArray<AssignmentState> Assignments);

/// <summary>One entry of assignLicense's addLicenses.</summary>
public sealed record LicenseRequest(Guid SkuId, ImmutableArray<Guid> DisabledPlans);
