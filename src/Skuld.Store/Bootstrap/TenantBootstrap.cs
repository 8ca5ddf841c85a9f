using Microsoft.EntityFrameworkCore;
using Skuld.Licensing;
using Skuld.Store.Audit;
using Skuld.Store.Auth;
using Skuld.Store.Directory;
using Skuld.Store.Licensing;

namespace Skuld.Store.Bootstrap;

/// <summary>
/// The bootstrap verbs (<c>skuld tenant create</c>, <c>subscription add</c>, <c>app create</c>): they
/// work on the store directly, as the operator, before any admin can sign in to the API. Each finds its
/// tenant across tenants and then scopes the context to it (<see cref="SkuldDb.EnterTenant"/>), so one
/// context serves one tenant.
/// </summary>
public static class TenantBootstrap
{
    public static async Task<BootstrapResult<TenantCreated>> CreateTenantAsync(
        SkuldDb db,
        string domain,
        string country,
        string adminUpn,
        string? password,
        TimeProvider time,
        CancellationToken ct)
    {
        domain = domain.Trim().ToLowerInvariant();
        country = country.Trim().ToUpperInvariant();
        if (!DomainNames.IsValidDomain(domain))
        {
            return new BootstrapError(BootstrapErrorCode.InvalidDomain,
                $"'{domain}' is not a valid domain name (expected something like contoso.com).");
        }

        if (!Countries.IsValid(country))
        {
            return new BootstrapError(BootstrapErrorCode.InvalidCountry,
                $"'{country}' is not an ISO 3166-1 two-letter country code (expected something like US or DE).");
        }

        if (!DomainNames.TrySplitUserPrincipalName(adminUpn.Trim(), out var alias, out var upnDomain))
        {
            return new BootstrapError(BootstrapErrorCode.InvalidAdmin,
                $"'{adminUpn}' is not a valid user principal name (expected alias@{domain}).");
        }

        if (!string.Equals(upnDomain, domain, StringComparison.OrdinalIgnoreCase))
        {
            return new BootstrapError(BootstrapErrorCode.InvalidAdmin,
                $"The admin '{adminUpn}' must be in the tenant's domain: use an address ending in @{domain}.");
        }

        if (password is not null && !Passwords.IsStrongEnough(password))
        {
            return new BootstrapError(BootstrapErrorCode.WeakPassword,
                "The password must have 8 to 256 characters and at least three of: upper case, lower case, digits, symbols.");
        }

        if (await db.Tenants.AcrossTenants().AnyAsync(t => t.Domain == domain, ct))
        {
            return new BootstrapError(BootstrapErrorCode.DomainTaken,
                $"A tenant with the domain '{domain}' already exists.");
        }

        var now = time.GetUtcNow();
        var tenant = new Tenant
        {
            Id = Guid.NewGuid(),
            DisplayName = DisplayNameOf(domain.Split('.')[0]),
            Domain = domain,
            InitialDomain = await FreeInitialDomainAsync(db, domain, ct),
            CountryLetterCode = country,
            CreatedDateTime = now,
        };
        password ??= Passwords.Generate();
        var upn = $"{alias}@{domain}";
        var admin = new User
        {
            TenantId = tenant.Id,
            Id = Guid.NewGuid(),
            UserPrincipalName = upn,
            DisplayName = DisplayNameOf(alias),
            MailNickname = alias,
            UsageLocation = country,
            PasswordHash = SecretHasher.Hash(password),
            CreatedDateTime = now,
        };
        db.EnterTenant(tenant.Id);
        db.Tenants.Add(tenant);
        db.Users.Add(admin);
        db.RoleAssignments.Add(new RoleAssignment { TenantId = tenant.Id, PrincipalId = admin.Id, Role = DirectoryRole.GlobalAdministrator });

        var correlationId = Guid.NewGuid();
        var adminTarget = UserTarget(admin);
        db.AuditEvents.AddRange(
            AuditRecord.Create(tenant.Id, Actor.Operator, "Create company", "DirectoryManagement", "Add", correlationId, now,
                [new AuditTarget(tenant.Id, "Directory", tenant.DisplayName, null,
                    [new ModifiedProperty("VerifiedDomains", null, AuditRecord.Value(new[] { domain, tenant.InitialDomain })),
                     new ModifiedProperty("CountryLetterCode", null, AuditRecord.Value(country))])]),
            AuditRecord.Create(tenant.Id, Actor.Operator, "Add user", "UserManagement", "Add", correlationId, now, [adminTarget]),
            AuditRecord.Create(tenant.Id, Actor.Operator, "Add member to role", "RoleManagement", "Assign", correlationId, now,
                [adminTarget, RoleTarget(DirectoryRole.GlobalAdministrator)]));

        await db.SaveChangesAsync(ct);
        return new TenantCreated(tenant.Id, domain, tenant.InitialDomain, admin.Id, upn, password);
    }

    public static async Task<BootstrapResult<SubscriptionAdded>> AddSubscriptionAsync(
        SkuldDb db,
        string domain,
        string partNumber,
        int units,
        TimeProvider time,
        CancellationToken ct)
    {
        if (units is < 1 or > 10_000_000)
        {
            return new BootstrapError(BootstrapErrorCode.InvalidUnits, $"Units must be between 1 and 10000000 (got {units}).");
        }

        if (await FindTenantAsync(db, domain, ct) is not { } tenant)
        {
            return TenantNotFound(domain);
        }

        db.EnterTenant(tenant.Id);
        var catalogue = await LicenseSnapshots.LoadCatalogueAsync(db, tenant.Id, ct);
        if (catalogue.FindByPartNumber(partNumber.Trim()) is not { } product)
        {
            return new BootstrapError(BootstrapErrorCode.UnknownSku,
                $"No product with the part number '{partNumber}' in the catalogue or in tenant '{tenant.Domain}' (e.g. ENTERPRISEPACK, SPE_E5).");
        }

        // Joins the caller's transaction when there is one (the demo seeds everything in one).
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        var subscription = await SubscriptionUnits.AddAsync(db, tenant.Id, product.SkuId, units, time, ct);
        db.AuditEvents.Add(AuditRecord.Create(tenant.Id, Actor.Operator, "Add subscription", "DirectoryManagement", "Add", Guid.NewGuid(),
            subscription.CreatedDateTime,
            [new AuditTarget(subscription.Id, "Other", product.PartNumber, null,
                [new ModifiedProperty("SkuId", null, AuditRecord.Value(product.SkuId)),
                 new ModifiedProperty("EnabledUnits", null, AuditRecord.Value(units))])]));
        await db.SaveChangesAsync(ct);
        var enabled = await db.TenantSkus
            .Where(s => s.TenantId == tenant.Id && s.SkuId == product.SkuId)
            .Select(s => s.EnabledUnits)
            .SingleAsync(ct);
        if (transaction is not null)
        {
            await transaction.CommitAsync(ct);
        }

        return new SubscriptionAdded(tenant.Id, product.SkuId, product.PartNumber, subscription.Id, units, enabled);
    }

    public static async Task<BootstrapResult<AppCreated>> CreateAppAsync(
        SkuldDb db,
        string domain,
        string name,
        string role,
        TimeProvider time,
        CancellationToken ct)
    {
        name = name.Trim();
        if (name.Length is 0 or > 120)
        {
            return new BootstrapError(BootstrapErrorCode.InvalidName, "The app name must have 1 to 120 characters.");
        }

        if (!DirectoryRoles.TryParse(role, out var directoryRole))
        {
            var known = string.Join(", ", Enum.GetValues<DirectoryRole>().Select(r => $"\"{r.DisplayName()}\""));
            return new BootstrapError(BootstrapErrorCode.InvalidRole, $"'{role}' is not a role Skuld knows. Use one of: {known}.");
        }

        if (await FindTenantAsync(db, domain, ct) is not { } tenant)
        {
            return TenantNotFound(domain);
        }

        db.EnterTenant(tenant.Id);
        var now = time.GetUtcNow();
        var secret = SecretHasher.NewSecret();
        var app = new AppRegistration
        {
            TenantId = tenant.Id,
            Id = Guid.NewGuid(),
            AppId = Guid.NewGuid(),
            DisplayName = name,
            SecretHash = SecretHasher.Hash(secret),
            CreatedDateTime = now,
        };
        db.AppRegistrations.Add(app);
        db.RoleAssignments.Add(new RoleAssignment { TenantId = tenant.Id, PrincipalId = app.Id, Role = directoryRole });

        var correlationId = Guid.NewGuid();
        var appTarget = new AuditTarget(app.Id, "Application", app.DisplayName, null,
            [new ModifiedProperty("AppId", null, AuditRecord.Value(app.AppId))]);
        db.AuditEvents.AddRange(
            AuditRecord.Create(tenant.Id, Actor.Operator, "Add application", "ApplicationManagement", "Add", correlationId, now, [appTarget]),
            AuditRecord.Create(tenant.Id, Actor.Operator, "Add member to role", "RoleManagement", "Assign", correlationId, now,
                [appTarget, RoleTarget(directoryRole)]));
        await db.SaveChangesAsync(ct);
        return new AppCreated(tenant.Id, app.Id, app.AppId, secret, name, directoryRole.DisplayName());
    }

    internal static AuditTarget UserTarget(User user) =>
        new(user.Id, "User", user.DisplayName, user.UserPrincipalName, []);

    internal static string DisplayNameOf(string alias) =>
        string.Join(' ', alias.Split(['.', '_', '-'], StringSplitOptions.RemoveEmptyEntries)
            .Select(part => char.ToUpperInvariant(part[0]) + part[1..]));

    private static AuditTarget RoleTarget(DirectoryRole role) =>
        new(role.TemplateId(), "Role", role.DisplayName(), null,
            [new ModifiedProperty("Role.DisplayName", null, AuditRecord.Value(role.DisplayName()))]);

    // The operator names the tenant by domain: the lookup spans tenants, then the context enters the one found.
    private static Task<Tenant?> FindTenantAsync(SkuldDb db, string domain, CancellationToken ct)
    {
        var key = domain.Trim().ToLowerInvariant();
        return db.Tenants.AcrossTenants().FirstOrDefaultAsync(t => t.Domain == key || t.InitialDomain == key, ct);
    }

    private static BootstrapError TenantNotFound(string domain) =>
        new(BootstrapErrorCode.TenantNotFound, $"No tenant with the domain '{domain}'. Create it first with 'skuld tenant create'.");

    /// <summary>
    /// contoso.com and contoso.org both want contoso.onmicrosoft.com; like Entra, the later one gets a
    /// numbered name instead of failing.
    /// </summary>
    private static async Task<string> FreeInitialDomainAsync(SkuldDb db, string domain, CancellationToken ct)
    {
        var wanted = DomainNames.InitialDomainFor(domain);
        var prefix = wanted[..^".onmicrosoft.com".Length];
        var taken = await db.Tenants.AcrossTenants()
            .Where(t => t.InitialDomain.StartsWith(prefix))
            .Select(t => t.InitialDomain)
            .ToListAsync(ct);
        return taken.Contains(wanted)
            ? Enumerable.Range(2, int.MaxValue - 2).Select(n => $"{prefix}{n}.onmicrosoft.com").First(d => !taken.Contains(d))
            : wanted;
    }
}
