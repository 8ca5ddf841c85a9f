using System.Collections.Immutable;

namespace Skuld.Licensing.Engine;

/// <summary>
/// A licensed group as one member sees it: the group whose licenses apply (with nesting, the licensed
/// ancestor the caller resolved) and its assignedLicenses.
/// </summary>
public sealed record GroupLicense(Guid GroupId, ImmutableArray<LicenseRequest> Licenses);

/// <summary>
/// One user to evaluate for group-based licensing.
/// </summary>
/// <param name="User">The user with ALL current assignment rows (direct and group) as stored.</param>
/// <param name="MemberSince">
/// The user's place in the seat queue (then <see cref="UserSnapshot.UserId"/>): normally when the user
/// joined the group being processed. A user who left it and only gives seats back should come first
/// (<see cref="DateTimeOffset.MinValue"/>), so the seats are free before anyone waits for them.
/// </param>
/// <param name="Groups">Every licensed group the user is a member of now (not only the one being processed).</param>
/// <param name="ProxyClash">
/// The proxy layer found that licensing this user for mail would take a proxy address another
/// recipient uses: group products with a mailbox plan fail with <see cref="LicenseError.UniquenessViolation"/>.
/// </param>
public sealed record MemberInput(
    UserSnapshot User,
    DateTimeOffset MemberSince,
    ImmutableArray<GroupLicense> Groups,
    bool ProxyClash = false);

/// <summary>
/// A member's complete new set of assignment rows (in the one row order) and the seats it took (+1)
/// or gave back (−1). <see cref="Changed"/> is false when the rows equal the current ones, so there is nothing to write.
/// </summary>
public sealed record MemberOutcome(
    Guid UserId,
    ImmutableArray<AssignmentState> Assignments,
    ImmutableArray<SeatChange> SeatChanges,
    bool Changed);
