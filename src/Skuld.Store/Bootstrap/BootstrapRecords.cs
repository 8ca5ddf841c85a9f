namespace Skuld.Store.Bootstrap;

/// <summary>A new tenant and its first Global Administrator. The password is shown once.</summary>
public sealed record TenantCreated(
    Guid TenantId,
    string Domain,
    string InitialDomain,
    Guid UserId,
    string UserPrincipalName,
    string Password);

/// <summary>A subscription added to a tenant, with the product's total units afterwards.</summary>
public sealed record SubscriptionAdded(
    Guid TenantId,
    Guid SkuId,
    string SkuPartNumber,
    Guid SubscriptionId,
    int Units,
    int EnabledUnits);

/// <summary>A new app registration. The client secret is shown once; the store keeps its hash.</summary>
public sealed record AppCreated(
    Guid TenantId,
    Guid ObjectId,
    Guid ClientId,
    string ClientSecret,
    string DisplayName,
    string Role);
