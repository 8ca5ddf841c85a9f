using Skuld.Licensing.Catalogue.Internal;

namespace Skuld.Licensing.Rules.Internal;

/// <summary>Reads the built-in plan rules from the embedded CSVs (described in Catalogue/Data/README.md).</summary>
internal static class RulesLoader
{
    public static PlanRules LoadBuiltIn()
    {
        // Only the current table counts: older versions also listed EXCHANGE_S_ENTERPRISE, which
        // Microsoft has since made stackable with EXCHANGE_S_STANDARD.
        var groups = EmbeddedData.ReadTable("service-plan-exclusion-groups.csv")
            .Where(row => row["Listed_2026_08_19"] == "yes")
            .GroupBy(row => row["Exclusion_Group"])
            .Select(g => new ExclusionGroup(g.Key, [.. g.Select(row => Guid.Parse(row["Service_Plan_Id"]))]));

        var dependencies = EmbeddedData.ReadTable("plan-dependencies.csv")
            .Select(row => new PlanDependency(
                Guid.Parse(row["Dependent_Plan_Id"]),
                [Guid.Parse(row["Prerequisite_Plan_Id"])]));

        var restrictions = EmbeddedData.ReadTable("plan-location-restrictions.csv")
            .Select(row => new LocationRestriction(
                Guid.Parse(row["Service_Plan_Id"]),
                [row["Blocked_Country"]]));

        return new PlanRules([.. groups], [.. dependencies], [.. restrictions]);
    }
}
