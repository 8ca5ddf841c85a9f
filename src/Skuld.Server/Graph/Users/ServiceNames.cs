namespace Skuld.Server.Graph.Users;

/// <summary>
/// The <c>service</c> Graph names in assignedPlan/provisionedPlan, derived from the plan's name prefix
/// (Microsoft's table has no such column; these are the service names Graph shows for those plans).
/// </summary>
public static class ServiceNames
{
    private static readonly (string Prefix, string Service)[] Prefixes =
    [
        ("EXCHANGE", "exchange"),
        ("SHAREPOINT", "SharePoint"),
        ("ONEDRIVE", "SharePoint"),
        ("MCO", "MicrosoftCommunicationsOnline"),
        ("TEAMS", "TeamspaceAPI"),
        ("INTUNE", "SCO"),
        ("AAD_", "AADPremiumService"),
        ("MFA_", "MultiFactorService"),
        ("RMS_", "RMSOnline"),
        ("YAMMER", "YammerEnterprise"),
        ("OFFICESUBSCRIPTION", "MicrosoftOffice"),
        ("POWERAPPS", "PowerAppsService"),
        ("FLOW", "ProcessSimple"),
        ("BI_AZURE", "PowerBI"),
        ("PROJECT", "ProjectWorkManagement"),
        ("FORMS", "OfficeForms"),
        ("SWAY", "Sway"),
        ("ATP_", "Exchange"),
        ("THREAT_", "Exchange"),
        ("ADALLOM", "Adallom"),
        ("WINDEFATP", "WindowsDefenderATP"),
        ("DYN365", "CRM"),
        ("CRM", "CRM"),
    ];

    public static string Of(string planName)
    {
        foreach (var (prefix, service) in Prefixes)
        {
            if (planName.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return service;
            }
        }

        return planName;
    }
}
