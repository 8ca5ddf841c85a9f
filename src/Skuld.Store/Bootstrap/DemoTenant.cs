using Microsoft.EntityFrameworkCore;
using Skuld.Licensing.Engine;
using Skuld.Store.Audit;
using Skuld.Store.Directory;
using Skuld.Store.Licensing;
using Skuld.Store.Recipients;

namespace Skuld.Store.Bootstrap;

/// <summary>Seats of one demo product after seeding.</summary>
public sealed record DemoSku(string SkuPartNumber, Guid SkuId, int EnabledUnits, int ConsumedUnits);

/// <summary>What the demo created: the tenant and its admin (password shown once), users and products.</summary>
public sealed record DemoCreated(TenantCreated Tenant, int Users, int UsersWithoutUsageLocation, IReadOnlyList<DemoSku> Skus);

/// <summary>
/// The demo tenant <c>skuld serve --demo</c> creates on an empty store: Contoso with about 300 people,
/// four products, direct licenses, and two problems worth troubleshooting — users without a usage
/// location and an almost full Microsoft 365 E5.
/// </summary>
public static class DemoTenant
{
    public const string Domain = "contoso.com";
    public const string Country = "US";
    public const string AdminUserPrincipalName = "admin@contoso.com";
    public const int People = 300;
    public const int PeopleWithoutUsageLocation = 10;

    /// <summary>Products, units bought, and how many people (in list order) hold each directly.</summary>
    private static readonly (string PartNumber, int Units, int FirstPerson, int Licensed)[] Plan =
    [
        // E1 and E3 carry mutually exclusive Exchange plans, so their holders never overlap.
        ("ENTERPRISEPACK", 250, 0, 200),
        ("EMS", 100, 0, 80),
        ("SPE_E5", 20, 200, 19),
        ("STANDARDPACK", 50, 219, 30),
    ];

    /// <summary>Seeds the demo tenant; refuses (with <see cref="BootstrapErrorCode.StoreNotEmpty"/>) when any tenant exists.</summary>
    public static async Task<BootstrapResult<DemoCreated>> CreateAsync(SkuldDb db, TimeProvider time, CancellationToken ct)
    {
        if (await db.Tenants.AcrossTenants().AnyAsync(ct))
        {
            return new BootstrapError(BootstrapErrorCode.StoreNotEmpty, "The store already has a tenant; demo data was not created.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var created = await TenantBootstrap.CreateTenantAsync(db, Domain, Country, AdminUserPrincipalName, null, time, ct);
        if (!created.Succeeded)
        {
            return created.Error;
        }

        var tenant = created.Value;
        var people = DemoPeople.Generate(People, PeopleWithoutUsageLocation);
        var now = time.GetUtcNow();
        var users = people.Select(p => NewUser(tenant.TenantId, p, now)).ToList();
        db.Users.AddRange(users);
        var correlationId = Guid.NewGuid();
        db.AuditEvents.AddRange(users.Select(u =>
            AuditRecord.Create(tenant.TenantId, Actor.Operator, "Add user", "UserManagement", "Add", correlationId, now, [TenantBootstrap.UserTarget(u)])));

        var skus = new List<DemoSku>();
        foreach (var (partNumber, units, first, licensed) in Plan)
        {
            var added = await TenantBootstrap.AddSubscriptionAsync(db, Domain, partNumber, units, time, ct);
            if (!added.Succeeded)
            {
                return added.Error;
            }

            var holders = users.Skip(first).Take(licensed).ToList();
            foreach (var user in holders)
            {
                License(db, tenant.TenantId, user, added.Value, correlationId, now);
            }

            skus.Add(new DemoSku(partNumber, added.Value.SkuId, units, holders.Count));
        }

        await db.SaveChangesAsync(ct);
        // Seeding writes license rows directly rather than through the engine; the counters are then
        // recounted from those rows in one statement, so they are exact.
        await LicenseSeats.RecountConsumedAsync(db, tenant.TenantId, ct);
        await transaction.CommitAsync(ct);
        return new DemoCreated(tenant, users.Count + 1, PeopleWithoutUsageLocation, skus);
    }

    private static User NewUser(Guid tenantId, DemoPerson person, DateTimeOffset now) => new()
    {
        TenantId = tenantId,
        Id = Guid.NewGuid(),
        UserPrincipalName = $"{person.Alias}@{Domain}",
        DisplayName = $"{person.GivenName} {person.Surname}",
        GivenName = person.GivenName,
        Surname = person.Surname,
        JobTitle = person.JobTitle,
        Department = person.Department,
        CompanyName = "Contoso",
        City = person.City,
        Country = person.Country,
        MailNickname = person.Alias,
        UsageLocation = person.UsageLocation,
        CreatedDateTime = now,
    };

    private static void License(SkuldDb db, Guid tenantId, User user, SubscriptionAdded sku, Guid correlationId, DateTimeOffset now)
    {
        db.LicenseAssignments.Add(new LicenseAssignment
        {
            TenantId = tenantId,
            UserId = user.Id,
            SkuId = sku.SkuId,
            SourceId = LicenseAssignment.Direct,
            State = LicenseState.Active,
            Error = LicenseError.None,
            AssignedDateTime = now,
            LastUpdatedDateTime = now,
        });
        // Every demo product but EMS has an Exchange plan, which gives the user a mailbox address.
        if (sku.SkuPartNumber != "EMS" && user.Mail is null)
        {
            user.Mail = user.UserPrincipalName;
            user.ProxyAddresses = [$"SMTP:{user.UserPrincipalName}"];
            db.RecipientAddresses.AddRange(RecipientAddresses.Rows(tenantId, user.Id, RecipientType.User, user.ProxyAddresses));
        }

        var license = $"[SkuName={sku.SkuPartNumber}, AccountId={tenantId}, SkuId={sku.SkuId}, DisabledPlans=[]]";
        db.AuditEvents.Add(AuditRecord.Create(tenantId, Actor.Operator, "Change user license", "UserManagement", "Update", correlationId, now,
            [new AuditTarget(user.Id, "User", user.DisplayName, user.UserPrincipalName,
                [new ModifiedProperty("AssignedLicense", "[]", AuditRecord.Value(new[] { license }))])]));
    }
}
