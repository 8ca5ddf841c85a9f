namespace Skuld.Store.Recipients;

/// <summary>
/// One proxy address of one recipient (user, group or contact): the table that makes addresses unique
/// per tenant and findable. The recipients' own <c>proxyAddresses</c> lists are kept equal to their
/// rows here, in the same transaction, by <c>RecipientAddresses</c>.
/// </summary>
/// <remarks>
/// <para><see cref="AddressKey"/> is what uniqueness and search use (see <see cref="ProxyAddress.KeyOf"/>):
/// for SMTP addresses the address without its prefix, lower-cased invariant (<c>SMTP:Bob@Contoso.com</c> →
/// <c>bob@contoso.com</c>), so primary and secondary forms and any casing clash; for every other type
/// (<c>SIP:</c>, <c>X500:</c>, …) the lower-cased type, a colon and the lower-cased value
/// (<c>sip:bob@contoso.com</c>), so such an address is unique among addresses of its own type and never
/// clashes with an SMTP address.</para>
/// <para>Indexes (names in the configuration): a UNIQUE index on (tenant, key) over the rows that are not
/// <see cref="Quarantined"/> — the database refuses a second holder of an address whatever the code does;
/// a small index on (tenant, key) over quarantined rows, so the duplicate report is a join of the two;
/// (tenant, domain, key) for domain search and its paging; the primary key (tenant, object, key) answers
/// "the addresses of this object". Keys are plain lower-case strings compared by code point (SQLite's
/// BINARY collation, PostgreSQL's "C" collation on these columns), so a prefix search is an index range
/// (<c>key &gt;= 'bob' AND key &lt; 'boc'</c>, or <c>LIKE 'bob%'</c> on PostgreSQL, <c>GLOB 'bob*'</c> on SQLite).
/// SQLite uses a partial index only when the query repeats its condition: say <c>NOT quarantined</c>
/// (EF: <c>!a.Quarantined</c>).</para>
/// </remarks>
public sealed class RecipientAddress
{
    public required Guid TenantId { get; init; }
    /// <summary>The normalised address (see remarks); equal keys are the same address.</summary>
    public required string AddressKey { get; init; }
    /// <summary>The address as the recipient shows it, with its prefix: <c>SMTP:Bob@contoso.com</c>.</summary>
    public required string Address { get; set; }
    /// <summary>The lower-cased domain of an SMTP address (<c>contoso.com</c>); null for other types.</summary>
    public string? Domain { get; init; }
    public required Guid ObjectId { get; init; }
    public required RecipientType ObjectType { get; init; }
    /// <summary>The primary SMTP address (<c>SMTP:</c> upper case); at most one per object.</summary>
    public bool IsPrimary { get; set; }
    /// <summary>
    /// Entra's duplicate attribute resiliency: a path that must not fail (import, sync) keeps an address that
    /// another recipient already holds, outside the unique index, instead of refusing the whole object. Such a
    /// row is not in the recipient's Graph <c>proxyAddresses</c> and is what the duplicate report lists.
    /// </summary>
    public bool Quarantined { get; set; }
}
