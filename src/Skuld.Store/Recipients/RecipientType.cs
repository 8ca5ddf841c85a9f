namespace Skuld.Store.Recipients;

/// <summary>The kinds of directory object that hold proxy addresses (Graph's user, group, orgContact).</summary>
public enum RecipientType
{
    User,
    Group,
    Contact,
}
