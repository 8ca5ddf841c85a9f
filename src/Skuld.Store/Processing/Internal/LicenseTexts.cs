using System.Text;
using System.Text.Json;
using Skuld.Licensing.Engine;

namespace Skuld.Store.Processing.Internal;

/// <summary>
/// The audit text of a user's effective licenses, cached by the granting rows: in a group job most
/// users go from the same licenses to the same licenses, so each text is computed once per batch.
/// </summary>
internal sealed class LicenseTexts(Guid tenantId, TenantSnapshot tenant)
{
    private readonly Dictionary<string, string> texts = [];
    private readonly StringBuilder key = new();

    /// <summary>The audit text of the licenses <paramref name="rows"/> grant, as a JSON string literal.</summary>
    public string Of(IEnumerable<AssignmentState> rows)
    {
        key.Clear();
        foreach (var row in rows)
        {
            if (row.GrantsLicense)
            {
                key.Append(row.SkuId).Append(':');
                foreach (var plan in row.DisabledPlans.IsDefault ? [] : row.DisabledPlans)
                {
                    key.Append(plan).Append(',');
                }
                key.Append(';');
            }
        }
        var k = key.ToString();
        if (!texts.TryGetValue(k, out var text))
        {
            // Kept as a JSON string literal: the audit embeds it as is, so it is serialised once per batch, not per user.
            text = JsonSerializer.Serialize(GroupLicensingAudit.Licenses(tenantId, tenant, LicenseEngine.Effective(tenant, rows)));
            texts[k] = text;
        }
        return text;
    }
}
