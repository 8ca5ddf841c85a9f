using System.Linq.Expressions;
using Skuld.Licensing.Engine;
using Skuld.Store;
using Skuld.Store.Directory;

namespace Skuld.Server.Graph.Query;

/// <summary>How <c>GET /groups</c> maps Graph's group onto <see cref="Group"/>.</summary>
public static class GroupResource
{
    /// <summary>Graph's default projection of a group that Skuld keeps (Graph's other defaults are unset here).</summary>
    public static readonly IReadOnlyList<string> DefaultProperties =
    [
        "id", "createdDateTime", "description", "displayName", "groupTypes", "mail", "mailEnabled",
        "mailNickname", "proxyAddresses", "securityEnabled",
    ];

    /// <summary>
    /// Some member's assignment from this group failed. With nested licensing the rows of inheriting
    /// members name the licensed group too, so they count for it.
    /// </summary>
    public static readonly Expression<Func<Group, SkuldDb, bool>> HasMembersWithLicenseErrors = (g, db) =>
        db.LicenseAssignments.Any(a =>
            a.TenantId == g.TenantId && a.SourceId == g.Id
            && (a.State == LicenseState.Error || a.Error != LicenseError.None));

    public static QueryResource<Group> Instance { get; } = new()
    {
        EntitySet = GraphModel.Groups,
        Id = g => g.Id,
        Filterable = new Dictionary<string, LambdaExpression>
        {
            ["id"] = Property(g => g.Id),
            ["displayName"] = Property(g => g.DisplayName),
            ["description"] = Property(g => g.Description),
            ["mailNickname"] = Property(g => g.MailNickname),
            ["mail"] = Property(g => g.Mail),
            ["mailEnabled"] = Property(g => g.MailEnabled),
            ["securityEnabled"] = Property(g => g.SecurityEnabled),
            ["groupTypes"] = Property(g => g.GroupTypes),
            ["proxyAddresses"] = Property(g => g.ProxyAddresses),
            ["hasMembersWithLicenseErrors"] = HasMembersWithLicenseErrors,
        },
        AssignedLicensesAny = AssignsSkuWhere,
        StringListMatches = new Dictionary<string, Func<TextMatch, Expression<Func<Group, SkuldDb, bool>>>>
        {
            ["proxyAddresses"] = HoldsAddressWhere,
        },
        Sortable = new Dictionary<string, Expression<Func<Group, string>>>
        {
            ["displayName"] = g => g.DisplayName,
        },
        DefaultSelect = DefaultProperties,
    };

    /// <summary>A group's assignedLicenses are its license rows (its intent, not its members' outcome).</summary>
    private static Expression<Func<Group, SkuldDb, bool>> AssignsSkuWhere(Expression<Func<Guid, bool>> sku) =>
        Splice.Hole<Func<Group, SkuldDb, bool>>((g, db) => db.GroupLicenses.Any(l =>
            l.TenantId == g.TenantId && l.GroupId == g.Id && Splice.Fill(l.SkuId)), sku);

    /// <summary>One of the group's held addresses (its Graph proxyAddresses) matches: the (tenant, key) index, not the column.</summary>
    private static Expression<Func<Group, SkuldDb, bool>> HoldsAddressWhere(TextMatch match) =>
        ProxyAddressFilter.Hole<Func<Group, SkuldDb, bool>>((g, db) => db.RecipientAddresses.Any(a =>
            a.TenantId == g.TenantId && a.ObjectId == g.Id && !a.Quarantined
            && ProxyAddressFilter.Fill(a)), ProxyAddressFilter.Condition(match));

    // Why a helper: a dictionary of LambdaExpression can't infer each lambda's type on its own.
    private static Expression<Func<Group, T>> Property<T>(Expression<Func<Group, T>> access) => access;
}
