using System.Collections.Immutable;

namespace Skuld.Licensing.Catalogue;

/// <summary>Whether a product or plan can be given to a user, or only applies to the whole company.</summary>
public enum AppliesTo
{
    User,
    Company,
}

/// <summary>One service inside a product (Graph's servicePlanInfo).</summary>
public sealed record ServicePlan(Guid Id, string Name, string FriendlyName, AppliesTo AppliesTo);

/// <summary>A sellable bundle of service plans (a SKU). Built-in from Microsoft's table, or a tenant's own.</summary>
public sealed record Product(
    Guid SkuId,
    string PartNumber,
    string DisplayName,
    AppliesTo AppliesTo,
    ImmutableArray<ServicePlan> Plans)
{
    public bool HasPlan(Guid planId) => Plans.Any(p => p.Id == planId);
}
