namespace Skuld.Store.Audit;

/// <summary>Who made a change: a signed-in user, an application, or Skuld itself acting as an application.</summary>
public sealed record Actor(
    Guid? UserId,
    string? UserPrincipalName,
    string? DisplayName,
    Guid? AppId,
    string? AppDisplayName,
    Guid? ServicePrincipalId)
{
    public static Actor ForUser(Guid id, string userPrincipalName, string displayName) =>
        new(id, userPrincipalName, displayName, null, null, null);

    public static Actor ForApp(Guid appId, string displayName, Guid servicePrincipalId) =>
        new(null, null, null, appId, displayName, servicePrincipalId);

    /// <summary>The operator at the command line (bootstrap verbs work on the store directly).</summary>
    public static readonly Actor Operator = new(null, null, null, Guid.Empty, "Skuld operator", Guid.Empty);

    /// <summary>Group-based licensing acts as this application (Entra's is "Microsoft Entra group-Based Licensing").</summary>
    public static readonly Actor GroupBasedLicensing =
        new(null, null, null, new Guid("8e0b1bda-0d5a-4c52-9b0e-6c2a5f3f0001"), "Skuld group-based licensing", null);
}
