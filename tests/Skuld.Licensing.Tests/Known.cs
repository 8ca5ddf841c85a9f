namespace Skuld.Licensing.Tests;

/// <summary>Real SKU and plan ids from Microsoft's reference table, named for readable tests.</summary>
internal static class Sku
{
    public static readonly Guid E1 = new("18181a46-0d4e-45cd-891e-60aabd171b4e");            // STANDARDPACK
    public static readonly Guid E3 = new("6fd2c87f-b296-42f0-b197-1e91e994b900");            // ENTERPRISEPACK
    public static readonly Guid M365E5 = new("06ebc4ee-1bb5-47dd-8120-11324bc54e06");        // SPE_E5
    public static readonly Guid ExchangePlan1 = new("4b9405b0-7788-4568-add1-99614e613b69"); // EXCHANGESTANDARD
    public static readonly Guid ExchangePlan2 = new("19ec0d23-8335-4cbd-94ac-6050e30712fa"); // EXCHANGEENTERPRISE
    public static readonly Guid AudioConferencing = new("0c266dff-15dd-4b49-8397-2bb16070ed52"); // MCOMEETADV
    public static readonly Guid PhoneSystem = new("e43b5b99-8dfb-405f-9987-dc307f34bcbd");   // MCOEV
    public static readonly Guid CallingPlan1 = new("0dab259f-bf13-4952-b7f8-7db8f131b28d");  // MCOPSTN1
    public static readonly Guid WorkplaceAnalytics = new("3d957427-ecdc-4df2-aacd-01cc9d519da8");
    public static readonly Guid EntraP1 = new("078d2b04-f1bd-4111-bbd4-b4b1b354cef4");       // AAD_PREMIUM
    public static readonly Guid PowerBiPro = new("f8a1db68-be16-40ed-86d5-cb42ce701560");    // POWER_BI_PRO
    public static readonly Guid Unknown = new("00000000-0000-0000-0000-00000000beef");
}

internal static class Plan
{
    public static readonly Guid SharePointPlan1 = new("c7699d2e-19aa-44de-8edf-1736da088ca1");  // SHAREPOINTSTANDARD
    public static readonly Guid SharePointPlan2 = new("5dbe027f-2339-4123-9542-606e4d348a72");  // SHAREPOINTENTERPRISE
    public static readonly Guid ExchangePlan1 = new("9aaf7827-d63c-4b61-89c3-182f06f82e5c");    // EXCHANGE_S_STANDARD
    public static readonly Guid ExchangePlan2 = new("efb87545-963c-4e0d-99df-69c6916d9eb0");    // EXCHANGE_S_ENTERPRISE
    public static readonly Guid SkypeForBusiness = new("0feaeb32-d00e-4d66-bd5a-43b5b83db82c"); // MCOSTANDARD
    public static readonly Guid AudioConferencing = new("3e26ee1f-8a5f-4d52-aee2-b81ce45c8f40"); // MCOMEETADV
    public static readonly Guid PhoneSystem = new("4828c8ec-dc2e-4779-b502-87ac9ce28ab7");      // MCOEV
    public static readonly Guid CallingPlan1 = new("4ed3ff63-69d7-4fb7-b984-5aec7f605ca8");     // MCOPSTN1
    public static readonly Guid WorkplaceAnalytics = new("f477b0f0-3bb1-4890-940c-40fcee6ce05f");
    public static readonly Guid ExchangeFoundation = new("113feb6c-3fe4-4440-bddc-54d774bf0318");
    public static readonly Guid EntraP1 = new("41781fb2-bc02-4b7c-bd55-b576c07bb09d");          // AAD_PREMIUM
}
