using System.Collections.Frozen;
using Skuld.Licensing.Catalogue.Internal;

namespace Skuld.Licensing.Catalogue;

/// <summary>
/// The service plans that give a user an Exchange Online mailbox (Catalogue/Data/mail-plans.csv): licensing
/// one makes the proxy calculation run (reference §5).
/// </summary>
public static class MailPlans
{
    private static readonly Lazy<FrozenSet<string>> names = new(() =>
        EmbeddedData.ReadTable("mail-plans.csv").Select(row => row["Service_Plan_Name"]).ToFrozenSet(StringComparer.Ordinal));

    /// <summary>The names of the mail plans, as in Microsoft's table.</summary>
    public static IReadOnlySet<string> Names => names.Value;

    public static bool IsMailPlan(ServicePlan plan) => plan.AppliesTo == AppliesTo.User && names.Value.Contains(plan.Name);
}
