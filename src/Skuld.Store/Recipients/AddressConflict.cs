namespace Skuld.Store.Recipients;

/// <summary>A recipient as an error names it: id, type and display name.</summary>
public sealed record RecipientRef(Guid Id, RecipientType Type, string DisplayName);

/// <summary>An address that is already held by another recipient, and who holds it.</summary>
public sealed record AddressConflict(string Address, RecipientRef Holder)
{
    /// <summary>Plain text for logs, audit details and diagnose: <c>bob@contoso.com is held by Contact 'Bob (vendor)' (id)</c>.</summary>
    public string Describe() => $"{Address} is already used by {Holder.Type} '{Holder.DisplayName}' ({Holder.Id:D})";

    /// <summary>The audit event's additionalDetails for a refusal caused by this conflict.</summary>
    public IEnumerable<KeyValuePair<string, string>> AuditDetails() =>
    [
        new("ConflictingProxyAddress", Address),
        new("ConflictingObjectId", Holder.Id.ToString("D")),
        new("ConflictingObjectType", Holder.Type.ToString()),
        new("ConflictingObjectDisplayName", Holder.DisplayName),
    ];
}
