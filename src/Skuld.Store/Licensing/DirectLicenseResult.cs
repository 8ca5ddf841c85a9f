using System.Collections.Immutable;
using Skuld.Licensing.Engine;
using Skuld.Store.Recipients;

namespace Skuld.Store.Licensing;

/// <summary>The outcome of a direct license change, as stored.</summary>
public abstract record DirectLicenseResult
{
    private DirectLicenseResult() { }

    /// <summary>The change is committed; <see cref="Assignments"/> is the user's complete new set (direct and group).</summary>
    public sealed record Applied(ImmutableArray<AssignmentState> Assignments) : DirectLicenseResult;

    /// <summary>
    /// Nothing changed: the engine refused the request, or a seat was taken by a concurrent request
    /// (<see cref="DirectFailureCode.NoAvailableLicenses"/> with the SKU). A failure audit event is stored.
    /// For <see cref="DirectFailureCode.ProxyAddressInUse"/>, <see cref="Conflict"/> names the recipient holding the address.
    /// </summary>
    public sealed record Refused(DirectFailure Failure, AddressConflict? Conflict = null) : DirectLicenseResult;

    /// <summary>No such user (or tenant); nothing is stored.</summary>
    public sealed record UserNotFound : DirectLicenseResult;
}
