using System.Collections.Immutable;

namespace Skuld.Licensing.Engine;

/// <summary>Why a direct license request was refused. Each surface maps these to its own wire format.</summary>
public enum DirectFailureCode
{
    /// <summary>The SKU is not one of the tenant's subscribed products.</summary>
    UnknownSku,
    /// <summary>The product applies to the company, not to users.</summary>
    NotAssignableToUser,
    /// <summary>A disabled plan is not part of the product.</summary>
    DisabledPlanNotInSku,
    /// <summary>The user has no (or an invalid) usage location.</summary>
    InvalidUsageLocation,
    /// <summary>A plan of the product is not offered in the user's usage location.</summary>
    ProhibitedInUsageLocation,
    /// <summary>No free seats for a product the user does not already hold.</summary>
    NoAvailableLicenses,
    /// <summary>Two enabled plans of the user would be mutually exclusive.</summary>
    MutuallyExclusive,
    /// <summary>An enabled plan's prerequisite would be missing.</summary>
    Dependency,
    /// <summary>The request tries to remove or change a license the user inherits from a group.</summary>
    InheritedLicense,
    /// <summary>The mailbox the request gives would take a proxy address another recipient holds.</summary>
    ProxyAddressInUse,
}

/// <summary>
/// The details of a refusal: the SKU concerned, the plans concerned (for exclusion: the two plans;
/// for dependency: the dependent plan first, then its prerequisites), and the usage location.
/// </summary>
public sealed record DirectFailure(
    DirectFailureCode Code,
    Guid? SkuId,
    ImmutableArray<Guid> PlanIds,
    string? UsageLocation);

/// <summary>How many seats of a SKU a change takes (+) or frees (−).</summary>
public sealed record SeatChange(Guid SkuId, int Delta);

public abstract record DirectOutcome
{
    private DirectOutcome() { }

    /// <summary>The request is valid: the user's new complete set of assignments, and the seat changes to apply.</summary>
    public sealed record Applied(ImmutableArray<AssignmentState> Assignments, ImmutableArray<SeatChange> SeatChanges)
        : DirectOutcome;

    /// <summary>The request is refused as a whole; nothing changes.</summary>
    public sealed record Refused(DirectFailure Failure) : DirectOutcome;
}
