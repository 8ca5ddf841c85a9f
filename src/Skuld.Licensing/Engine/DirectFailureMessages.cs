namespace Skuld.Licensing.Engine;

/// <summary>
/// The text of a refusal, worded as Microsoft Graph words it (reference §1.9) so that scripts that
/// match on messages work. Used by the Graph surface and kept in the audit trail as the result reason.
/// </summary>
public static class DirectFailureMessages
{
    public const string ProxyAddressInUse = "Another object with the same value for property proxyAddresses already exists.";

    public static string Describe(DirectFailure failure)
    {
        var sku = failure.SkuId is { } id ? id.ToString("D") : "";
        var plans = failure.PlanIds.Select(p => p.ToString("D")).ToArray();
        return failure.Code switch
        {
            DirectFailureCode.UnknownSku => $"License {sku} does not correspond to a valid company License.",
            DirectFailureCode.NotAssignableToUser => $"License {sku} cannot be assigned to a user.",
            // Graph's exact text for this case is not published; worded like its neighbours.
            DirectFailureCode.DisabledPlanNotInSku => $"Service plan {string.Join(",", plans)} does not belong to license {sku}.",
            DirectFailureCode.InvalidUsageLocation => "License assignment cannot be done for user with invalid usage location.",
            // Graph's exact text for this case is not published; worded like its neighbours.
            DirectFailureCode.ProhibitedInUsageLocation =>
                $"License assignment failed because service plan {string.Join(",", plans)} is not available in usage location {failure.UsageLocation}.",
            DirectFailureCode.NoAvailableLicenses => $"Subscription with SKU {sku} does not have any available licenses.",
            DirectFailureCode.MutuallyExclusive => $"License assignment failed because service plans {string.Join(",", plans)} are mutually exclusive.",
            DirectFailureCode.Dependency =>
                $"License assignment failed because service plan {plans.FirstOrDefault()} depends on the service plan(s) {string.Join(", ", plans.Skip(1))}",
            DirectFailureCode.InheritedLicense =>
                "User license is inherited from a group membership and it cannot be removed directly from the user.",
            // The directory's message for a duplicate proxy address (reference §5 and the error table of §1.9).
            DirectFailureCode.ProxyAddressInUse => ProxyAddressInUse,
        };
    }
}
