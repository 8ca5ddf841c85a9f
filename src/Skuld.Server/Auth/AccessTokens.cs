namespace Skuld.Server.Auth;

/// <summary>The shape of Skuld's access tokens, mirroring Entra's v1 tokens for Graph.</summary>
public static class AccessTokens
{
    /// <summary>The authentication scheme that validates them.</summary>
    public const string Scheme = "SkuldBearer";

    public const string Audience = "https://graph.microsoft.com";

    /// <summary>Graph's application id, which Entra also puts in <c>aud</c> for some clients.</summary>
    public const string GraphAppId = "00000003-0000-0000-c000-000000000000";

    public const string IssuerPrefix = "https://sts.skuld.local/";

    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    public static string Issuer(Guid tenantId) => $"{IssuerPrefix}{tenantId}/";

    /// <summary>Claim names as Entra writes them.</summary>
    public static class Claims
    {
        public const string TenantId = "tid";
        public const string ObjectId = "oid";
        public const string Subject = "sub";
        public const string IdentityType = "idtyp";
        public const string UserPrincipalName = "upn";
        public const string AppId = "appid";
        public const string Name = "name";
        public const string AppDisplayName = "app_displayname";
        public const string TokenId = "uti";
        public const string Version = "ver";
    }

    public const string UserType = "user";
    public const string AppType = "app";
}
