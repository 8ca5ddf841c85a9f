using Skuld.Licensing.Engine;

namespace Skuld.Licensing.Tests;

/// <summary>Short ways to build members of licensed groups and read the engine's answer.</summary>
internal static class Members
{
    // GroupA and GroupB come from Direct (tests import both).
    public static readonly Guid GroupC = new("cccccccc-0000-0000-0000-000000000003");

    private static readonly DateTimeOffset epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static GroupLicense Group(Guid groupId, params LicenseRequest[] licenses) => new(groupId, [.. licenses]);

    public static Guid UserId(int n) => new($"00000000-0000-0000-0000-{n:D12}");

    /// <summary>Member number n joined n minutes after the epoch (so lower numbers come first in the seat queue).</summary>
    public static MemberInput Member(int n, GroupLicense[] groups, UserBuilder? user = null, bool proxyClash = false) =>
        new((user ?? new UserBuilder()).Build() with { UserId = UserId(n) }, epoch.AddMinutes(n), [.. groups], proxyClash);

    public static MemberOutcome Evaluate(TenantSnapshot tenant, MemberInput member) =>
        LicenseEngine.EvaluateMembers(tenant, [member], SeatLedger.For(tenant)).Single();

    /// <summary>Rows as "sku/source/state/error", source being "direct" or the group id.</summary>
    public static string[] Rows(MemberOutcome outcome) =>
        [.. outcome.Assignments.Select(a => $"{Name(a.SkuId)}/{Name(a.AssignedByGroup)}/{a.State}/{a.Error}")];

    public static string Row(Guid skuId, Guid? source, LicenseState state, LicenseError error = LicenseError.None) =>
        $"{Name(skuId)}/{Name(source)}/{state}/{error}";

    /// <summary>Feeds an outcome back as the member's current rows.</summary>
    public static MemberInput Again(MemberInput member, MemberOutcome outcome) =>
        member with { User = member.User with { Assignments = outcome.Assignments } };

    private static string Name(Guid? id) =>
        id is null ? "direct"
        : id == Direct.GroupA ? "A" : id == Direct.GroupB ? "B" : id == GroupC ? "C"
        : typeof(Sku).GetFields().FirstOrDefault(f => f.GetValue(null) is Guid sku && sku == id)?.Name ?? id.Value.ToString();

    /// <summary>The outcome's rows, whatever their order (the engine's order is by skuId, which reads badly).</summary>
    public static void AssertRows(MemberOutcome outcome, params string[] expected) =>
        Assert.Equal(expected.Order(StringComparer.Ordinal), Rows(outcome).Order(StringComparer.Ordinal));
}
