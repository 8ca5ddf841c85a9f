using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Skuld.Licensing.Engine;
using Skuld.Server.Auth;
using Skuld.Server.Graph.Query;
using Skuld.Store;
using Skuld.Store.Audit;
using Skuld.Store.Auth;
using Skuld.Store.Directory;
using Skuld.Store.Licensing;
using Skuld.Store.Processing;
using Skuld.Store.Recipients;

namespace Skuld.Server.Graph.Users;

/// <summary>Graph v1.0 users: list, read, create, update, delete, /me.</summary>
public static class UsersEndpoints
{
    public static void MapUsers(this RouteGroupBuilder graph)
    {
        graph.MapGet("/users", UserListing.ListAsync).RequirePermission(Permission.ReadDirectory);
        graph.MapGet("/users/{id}", GetAsync).RequirePermission(Permission.ReadDirectory);
        graph.MapPost("/users", CreateAsync).RequirePermission(Permission.ManageUsers);
        // Which permission a PATCH needs depends on what it changes: checked in the handler.
        graph.MapPatch("/users/{id}", UpdateAsync).RequireCaller();
        graph.MapDelete("/users/{id}", DeleteAsync).RequirePermission(Permission.ManageUsers);
        graph.MapGet("/me", GetMeAsync).RequireCaller();
    }

    private static async Task<IResult> GetAsync(string id, HttpContext http, SkuldDb db, CancellationToken ct)
    {
        var caller = http.GetCaller();
        var user = await UserLookup.FindAsync(db, caller.TenantId, id, ct);
        return user is null ? GraphError.NotFound(id) : await WriteOneAsync(http, db, user, ct);
    }

    private static async Task<IResult> GetMeAsync(HttpContext http, SkuldDb db, CancellationToken ct)
    {
        var caller = http.GetCaller();
        if (caller.Kind != CallerKind.User)
        {
            return GraphError.MeNeedsDelegatedCaller();
        }

        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.TenantId == caller.TenantId && u.Id == caller.PrincipalId, ct);
        return user is null ? GraphError.NotFound(GraphJson.Id(caller.PrincipalId)) : await WriteOneAsync(http, db, user, ct);
    }

    /// <summary>One user as Graph returns it, honouring <c>$select</c>.</summary>
    public static async Task<IResult> WriteOneAsync(HttpContext http, SkuldDb db, User user, CancellationToken ct)
    {
        // The same parser as the collection, so $select is validated identically.
        var query = UserQuery.Parse(http.Request);
        if (query.Error is { } error)
        {
            return error;
        }

        var selection = query.Value!.Selection.Properties; // Parse returns a value whenever it returns no error

        var licenses = UserJson.NeedsLicenses(selection)
            ? (await UserLicensesLoader.LoadAsync(db, user.TenantId, [user.Id], ct))[user.Id]
            : UserLicenses.None;
        var body = new JsonObject { ["@odata.context"] = GraphJson.ContextBase + "users/$entity" };
        foreach (var (name, value) in UserJson.Write(user, selection, licenses).ToList())
        {
            body[name] = value?.DeepClone();
        }

        return GraphJson.Ok(body);
    }

    private static async Task<IResult> CreateAsync(HttpContext http, SkuldDb db, TimeProvider time, CancellationToken ct)
    {
        var caller = http.GetCaller();
        var (input, inputError) = await GraphJson.ReadAsync(http.Request, b => UserInput.Read(b, creating: true), ct);
        if (input is null)
        {
            return inputError!; // ReadAsync returns an error whenever it returns no value
        }

        var tenant = await db.Tenants.AsNoTracking().FirstAsync(t => t.Id == caller.TenantId, ct);
        var upn = (string)input.Values["userPrincipalName"]!; // required on create
        if (UpnDomainError(tenant, upn) is { } domainError)
        {
            return domainError;
        }

        if (await UserLookup.UpnTakenAsync(db, tenant.Id, upn, Guid.Empty, ct))
        {
            return DuplicateUpn();
        }

        var now = time.GetUtcNow();
        var user = new User
        {
            TenantId = tenant.Id,
            Id = Guid.NewGuid(),
            UserPrincipalName = upn,
            DisplayName = (string)input.Values["displayName"]!, // required on create
            CreatedDateTime = now,
            PasswordHash = SecretHasher.Hash(input.Password!), // required on create
        };
        var changes = input.ApplyTo(user);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (user.Mail is not null && await UserProxies.RecalculateAsync(db, user, user.UserPrincipalName, null, mailChanged: true, ct) is not null)
        {
            return DuplicateProxyAddress();
        }

        db.Users.Add(user);
        db.AuditEvents.Add(AuditRecord.Create(
            tenant.Id, caller.Actor, "Add user", "UserManagement", "Add", Guid.NewGuid(), now,
            [Target(user, changes)]));
        if (await SaveAsync(db, user, ct) is { } saveError)
        {
            return saveError;
        }

        await transaction.CommitAsync(ct);

        http.Response.Headers.Location = $"{http.Request.Scheme}://{http.Request.Host}/v1.0/users/{GraphJson.Id(user.Id)}";
        var json = UserJson.Write(user, [.. UserJson.DefaultProperties, "accountEnabled", "mailNickname", "usageLocation", "userType", "createdDateTime"], UserLicenses.None);
        json["@odata.context"] = GraphJson.ContextBase + "users/$entity";
        return GraphJson.Ok(json, StatusCodes.Status201Created);
    }

    private static async Task<IResult> UpdateAsync(
        string id, HttpContext http, SkuldDb db, TimeProvider time, LicenseWorkSignal signal, CancellationToken ct)
    {
        var caller = http.GetCaller();
        var (input, inputError) = await GraphJson.ReadAsync(http.Request, b => UserInput.Read(b, creating: false), ct);
        if (input is null)
        {
            return inputError!; // ReadAsync returns an error whenever it returns no value
        }

        var needsUsers = input.Values.Keys.Any(k => k != "usageLocation") || input.Password is not null;
        if ((needsUsers && !caller.Can(Permission.ManageUsers))
            || (input.Sets("usageLocation") && !caller.Can(Permission.ManageUsageLocation))
            || (input.Values.Count == 0 && input.Password is null && !caller.Can(Permission.ManageUsers)))
        {
            return GraphError.Forbidden();
        }

        var found = await UserLookup.FindAsync(db, caller.TenantId, id, ct);
        if (found is null)
        {
            return GraphError.NotFound(id);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var user = await LockAsync(db, found, ct);
        if (user is null)
        {
            return GraphError.NotFound(id);
        }

        if (input.Values.TryGetValue("userPrincipalName", out var upnValue) && upnValue is string upn)
        {
            var tenant = await db.Tenants.AsNoTracking().FirstAsync(t => t.Id == caller.TenantId, ct);
            if (UpnDomainError(tenant, upn) is { } domainError)
            {
                return domainError;
            }

            if (await UserLookup.UpnTakenAsync(db, tenant.Id, upn, user.Id, ct))
            {
                return DuplicateUpn();
            }
        }

        var (oldUpn, oldMail) = (user.UserPrincipalName, user.Mail);
        var changes = input.ApplyTo(user);
        // Graph: writing mail (or the UPN of a user with a mailbox) updates proxyAddresses (reference §1.2, §5).
        if (await UserProxies.RecalculateAsync(db, user, oldUpn, oldMail, changes.Any(c => c.Name == "mail"), ct) is not null)
        {
            return DuplicateProxyAddress();
        }

        if (input.Password is not null)
        {
            user.PasswordHash = SecretHasher.Hash(input.Password);
        }

        // Group licenses fall back to the tenant's country without a usage location, and a plan may be
        // prohibited in the new one: a member's group licenses are re-evaluated when it changes.
        var relicense = changes.Any(c => c.Name == "usageLocation")
            && await db.GroupMembers.AnyAsync(m => m.TenantId == user.TenantId && m.MemberId == user.Id, ct);
        if (changes.Count > 0 || input.Password is not null)
        {
            user.Version++;
            var now = time.GetUtcNow();
            var correlationId = Guid.NewGuid();
            db.AuditEvents.Add(AuditRecord.Create(
                caller.TenantId, caller.Actor, "Update user", "UserManagement", "Update", correlationId, now,
                [Target(user, changes)]));
            if (relicense)
            {
                LicenseWork.EnqueueUsers(db, user.TenantId, [user.Id], caller.Actor, correlationId, now);
            }

            if (await SaveAsync(db, user, ct) is { } saveError)
            {
                return saveError;
            }
        }

        await transaction.CommitAsync(ct);
        if (relicense)
        {
            signal.Notify();
        }

        return Results.NoContent();
    }

    private static async Task<IResult> DeleteAsync(string id, HttpContext http, SkuldDb db, TimeProvider time, CancellationToken ct)
    {
        var caller = http.GetCaller();
        var found = await UserLookup.FindAsync(db, caller.TenantId, id, ct);
        if (found is null)
        {
            return GraphError.NotFound(id);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var user = await LockAsync(db, found, ct);
        if (user is null)
        {
            return GraphError.NotFound(id);
        }

        await LicenseSeats.DeleteUserLicensesAsync(db, user.TenantId, user.Id, ct);
        await db.RoleAssignments.Where(r => r.TenantId == user.TenantId && r.PrincipalId == user.Id).ExecuteDeleteAsync(ct);
        await db.GroupMembers.Where(m => m.TenantId == user.TenantId && m.MemberId == user.Id).ExecuteDeleteAsync(ct);
        await RecipientAddresses.DeleteObjectAsync(db, user.TenantId, user.Id, ct);
        db.Users.Remove(user);
        db.AuditEvents.Add(AuditRecord.Create(
            caller.TenantId, caller.Actor, "Delete user", "UserManagement", "Delete", Guid.NewGuid(), time.GetUtcNow(),
            [Target(user, [])]));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return Results.NoContent();
    }

    /// <summary>
    /// Locks the user's row for the caller's transaction and reads it (tracked); null when it was deleted
    /// meanwhile. Every writer of a user (assignLicense too) bumps the version first, so concurrent
    /// changes of one user run one after the other on PostgreSQL (SQLite's IMMEDIATE transaction already
    /// serialises writers): the version this request saves against is then always the one it read, and a
    /// delete counts the seats of licenses committed just before it.
    /// </summary>
    private static async Task<User?> LockAsync(SkuldDb db, User found, CancellationToken ct)
    {
        var locked = await db.Users
            .Where(u => u.TenantId == found.TenantId && u.Id == found.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.Version, u => u.Version + 1), ct);
        return locked == 0 ? null : await db.Users.SingleAsync(u => u.TenantId == found.TenantId && u.Id == found.Id, ct);
    }

    private static GraphError? UpnDomainError(Tenant tenant, string upn)
    {
        var domain = UserInput.DomainOf(upn);
        // The store keeps tenant domains lower-case.
        return domain == tenant.Domain || domain == tenant.InitialDomain
            ? null
            : GraphError.BadRequest(
                "The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.");
    }

    private static GraphError DuplicateUpn() =>
        GraphError.BadRequest("Another object with the same value for property userPrincipalName already exists.");

    private static GraphError DuplicateProxyAddress() => GraphError.BadRequest(DirectFailureMessages.ProxyAddressInUse);

    /// <summary>
    /// Saves the user and writes its address rows; an error when a unique index refused the change (two
    /// requests raced for one UPN or one address). The caller's transaction is then rolled back.
    /// </summary>
    private static async Task<GraphError?> SaveAsync(SkuldDb db, User user, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            await RecipientAddresses.WriteAsync(
                db, user.TenantId, [new RecipientWrite(user.Id, RecipientType.User, user.Mail, user.ProxyAddresses)], updateOwners: false, ct);
            return null;
        }
        catch (Exception e) when (RecipientAddresses.IsAddressClash(e))
        {
            return DuplicateProxyAddress();
        }
        catch (DbUpdateException e) when (e is not DbUpdateConcurrencyException)
        {
            return DuplicateUpn();
        }
    }

    private static AuditTarget Target(User user, IReadOnlyList<(string Name, object? Old, object? New)> changes) => new(
        user.Id, "User", user.DisplayName, user.UserPrincipalName,
        [.. changes.Select(c => new ModifiedProperty(Pascal(c.Name), AuditRecord.Value(c.Old), AuditRecord.Value(c.New)))]);

    // Entra's audit names properties in PascalCase (UsageLocation, DisplayName).
    private static string Pascal(string name) => char.ToUpperInvariant(name[0]) + name[1..];
}
