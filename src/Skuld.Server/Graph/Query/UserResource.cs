using System.Linq.Expressions;
using Skuld.Licensing.Engine;
using Skuld.Store;
using Skuld.Store.Directory;

namespace Skuld.Server.Graph.Query;

/// <summary>How <c>GET /users</c> maps Graph's user onto <see cref="User"/>.</summary>
public static class UserResource
{
    public static QueryResource<User> Instance { get; } = new()
    {
        EntitySet = GraphModel.Users,
        Id = u => u.Id,
        Filterable = new Dictionary<string, LambdaExpression>
        {
            ["id"] = Property(u => u.Id),
            ["userPrincipalName"] = Property(u => u.UserPrincipalName),
            ["displayName"] = Property(u => u.DisplayName),
            ["givenName"] = Property(u => u.GivenName),
            ["surname"] = Property(u => u.Surname),
            ["mail"] = Property(u => u.Mail),
            ["mailNickname"] = Property(u => u.MailNickname),
            ["jobTitle"] = Property(u => u.JobTitle),
            ["department"] = Property(u => u.Department),
            ["companyName"] = Property(u => u.CompanyName),
            ["country"] = Property(u => u.Country),
            ["city"] = Property(u => u.City),
            ["officeLocation"] = Property(u => u.OfficeLocation),
            ["employeeId"] = Property(u => u.EmployeeId),
            ["usageLocation"] = Property(u => u.UsageLocation),
            ["userType"] = Property(u => u.UserType),
            ["accountEnabled"] = Property(u => u.AccountEnabled),
            ["proxyAddresses"] = Property(u => u.ProxyAddresses),
            ["otherMails"] = Property(u => u.OtherMails),
        },
        UpperCaseKeys = new Dictionary<string, Expression<Func<User, string>>>
        {
            ["userPrincipalName"] = u => u.UserPrincipalNameKey,
        },
        AssignedLicensesAny = HoldsSkuWhere,
        StringListMatches = new Dictionary<string, Func<TextMatch, Expression<Func<User, SkuldDb, bool>>>>
        {
            ["proxyAddresses"] = HoldsAddressWhere,
        },
        Sortable = new Dictionary<string, Expression<Func<User, string>>>
        {
            ["displayName"] = u => u.DisplayName,
            ["userPrincipalName"] = u => u.UserPrincipalName,
        },
        DefaultSelect =
        [
            "businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone",
            "officeLocation", "preferredLanguage", "surname", "userPrincipalName", "id",
        ],
    };

    /// <summary>
    /// A user holds a SKU when some assignment row of it (direct or from a group) is Active or
    /// ActiveWithError; Graph's assignedLicenses is the distinct set of those SKUs. The tenant is
    /// correlated too: user ids are only unique within a tenant.
    /// </summary>
    private static Expression<Func<User, SkuldDb, bool>> HoldsSkuWhere(Expression<Func<Guid, bool>> sku) =>
        Splice.Hole<Func<User, SkuldDb, bool>>((u, db) => db.LicenseAssignments.Any(a =>
            a.TenantId == u.TenantId && a.UserId == u.Id
            && (a.State == LicenseState.Active || a.State == LicenseState.ActiveWithError)
            && Splice.Fill(a.SkuId)), sku);

    /// <summary>One of the user's held addresses (its Graph proxyAddresses) matches: the (tenant, key) index, not the column.</summary>
    private static Expression<Func<User, SkuldDb, bool>> HoldsAddressWhere(TextMatch match) =>
        ProxyAddressFilter.Hole<Func<User, SkuldDb, bool>>((u, db) => db.RecipientAddresses.Any(a =>
            a.TenantId == u.TenantId && a.ObjectId == u.Id && !a.Quarantined
            && ProxyAddressFilter.Fill(a)), ProxyAddressFilter.Condition(match));

    // Why a helper: a dictionary of LambdaExpression can't infer each lambda's type on its own.
    private static Expression<Func<User, T>> Property<T>(Expression<Func<User, T>> access) => access;
}
