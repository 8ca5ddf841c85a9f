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
    private char[] key = new char[256];

    /// <summary>The audit text of the licenses <paramref name="rows"/> grant, as a JSON string literal.</summary>
    public string Of(IEnumerable<AssignmentState> rows)
    {
        // The key (granting SKUs and their disabled plans) is built in a reused buffer and looked up as a span:
        // this runs twice per changed user, and almost every lookup hits.
        var length = 0;
        foreach (var row in rows)
        {
            if (row.GrantsLicense)
            {
                Append(ref length, row.SkuId, ':');
                foreach (var plan in row.DisabledPlans.IsDefault ? [] : row.DisabledPlans)
                {
                    Append(ref length, plan, ',');
                }
                Append(ref length, null, ';');
            }
        }
        var lookup = texts.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!lookup.TryGetValue(key.AsSpan(0, length), out var text))
        {
            // Kept as a JSON string literal: the audit embeds it as is, so it is serialised once per batch, not per user.
            text = JsonSerializer.Serialize(GroupLicensingAudit.Licenses(tenantId, tenant, LicenseEngine.Effective(tenant, rows)));
            texts[new string(key, 0, length)] = text;
        }
        return text;
    }

    private void Append(ref int length, Guid? id, char separator)
    {
        if (length + 40 > key.Length)
        {
            Array.Resize(ref key, key.Length * 2);
        }
        if (id is { } guid)
        {
            guid.TryFormat(key.AsSpan(length), out var written);
            length += written;
        }
        key[length++] = separator;
    }
}
