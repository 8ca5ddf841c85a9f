using System.Collections.Immutable;
using Skuld.Licensing.Catalogue;
using Skuld.Licensing.Engine;
using Skuld.Licensing.Rules;

namespace Skuld.Licensing.Tests;

/// <summary>A tenant with stocks of real catalogue products (or its own products), and the built-in rules.</summary>
internal sealed class TenantBuilder
{
    private readonly Dictionary<Guid, SkuStock> skus = [];
    private PlanRules rules = PlanRules.BuiltIn;
    private string country = "US";

    public TenantBuilder Stock(Guid skuId, int enabled = 10, int consumed = 0) =>
        Stock(ProductCatalogue.BuiltIn.Find(skuId) ?? throw new ArgumentException($"{skuId} is not in the catalogue"), enabled, consumed);

    public TenantBuilder Stock(Product product, int enabled = 10, int consumed = 0)
    {
        skus[product.SkuId] = new SkuStock(product, enabled, consumed);
        return this;
    }

    public TenantBuilder Rules(PlanRules planRules)
    {
        rules = planRules;
        return this;
    }

    public TenantBuilder Country(string countryLetterCode)
    {
        country = countryLetterCode;
        return this;
    }

    public TenantSnapshot Build() => new(country, skus.ToImmutableDictionary(), rules);
}

/// <summary>A user with a usage location (US unless told) and assignment rows.</summary>
internal sealed class UserBuilder
{
    private readonly List<AssignmentState> rows = [];
    private string? location = "US";

    public UserBuilder In(string? usageLocation)
    {
        location = usageLocation;
        return this;
    }

    public UserBuilder Direct(Guid skuId, params Guid[] disabled)
    {
        rows.Add(new AssignmentState(skuId, null, [.. disabled], LicenseState.Active, LicenseError.None));
        return this;
    }

    public UserBuilder FromGroup(Guid skuId, Guid groupId, params Guid[] disabled) =>
        FromGroup(skuId, groupId, LicenseState.Active, LicenseError.None, disabled);

    public UserBuilder FromGroup(Guid skuId, Guid groupId, LicenseState state, LicenseError error, params Guid[] disabled)
    {
        rows.Add(new AssignmentState(skuId, groupId, [.. disabled], state, error));
        return this;
    }

    public UserSnapshot Build() => new(new Guid("11111111-1111-1111-1111-111111111111"), location, [.. rows]);
}

/// <summary>Short ways to call the engine and check its answer.</summary>
internal static class Direct
{
    public static readonly Guid GroupA = new("aaaaaaaa-0000-0000-0000-000000000001");
    public static readonly Guid GroupB = new("bbbbbbbb-0000-0000-0000-000000000002");

    public static LicenseRequest Add(Guid skuId, params Guid[] disabled) => new(skuId, [.. disabled]);

    public static DirectOutcome Assign(TenantSnapshot tenant, UserSnapshot user, LicenseRequest[] add, Guid[]? remove = null) =>
        LicenseEngine.AssignDirect(tenant, user, [.. add], [.. remove ?? []]);

    public static DirectOutcome.Applied Applied(DirectOutcome outcome) =>
        outcome as DirectOutcome.Applied
        ?? throw new Xunit.Sdk.XunitException($"expected Applied, got {Describe(outcome)}");

    public static DirectFailure Refused(DirectOutcome outcome, DirectFailureCode code, Guid? skuId, params Guid[] planIds)
    {
        var refused = outcome as DirectOutcome.Refused
            ?? throw new Xunit.Sdk.XunitException($"expected Refused {code}, got {Describe(outcome)}");
        Assert.Equal(code, refused.Failure.Code);
        Assert.Equal(skuId, refused.Failure.SkuId);
        Assert.Equal(planIds, refused.Failure.PlanIds);
        return refused.Failure;
    }

    /// <summary>A full text form, so outcomes can be compared by value (ImmutableArray compares by reference).</summary>
    public static string Describe(DirectOutcome outcome) => outcome switch
    {
        DirectOutcome.Applied a =>
            $"Applied [{string.Join("; ", a.Assignments.Select(Describe))}] seats [{string.Join(", ", a.SeatChanges.Select(s => $"{s.SkuId}:{s.Delta:+0;-0}"))}]",
        DirectOutcome.Refused r =>
            $"Refused {r.Failure.Code} {r.Failure.SkuId} [{string.Join(",", r.Failure.PlanIds)}] {r.Failure.UsageLocation}",
        _ => throw new InvalidOperationException(),
    };

    public static string Describe(AssignmentState a) =>
        $"{a.SkuId}/{a.AssignedByGroup?.ToString() ?? "direct"}/{a.State}/{a.Error}/[{string.Join(",", a.DisabledPlans)}]";
}
