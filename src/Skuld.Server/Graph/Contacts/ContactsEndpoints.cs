using Microsoft.EntityFrameworkCore;
using Skuld.Server.Auth;
using Skuld.Store;

namespace Skuld.Server.Graph.Contacts;

/// <summary>
/// Graph v1.0 organisational contacts, read-only as in Graph (contacts are created through the native API):
/// <c>GET /contacts</c> (ordered by id, <c>$top</c> 1–999, <c>@odata.nextLink</c>) and <c>GET /contacts/{id}</c>.
/// </summary>
public static class ContactsEndpoints
{
    private const int DefaultPage = 100;

    public static void MapContacts(this RouteGroupBuilder graph)
    {
        graph.MapGet("/contacts", ListAsync).RequirePermission(Permission.ReadDirectory);
        graph.MapGet("/contacts/{id}", GetAsync).RequirePermission(Permission.ReadDirectory);
    }

    private static async Task<IResult> ListAsync(HttpContext http, SkuldDb db, CancellationToken ct)
    {
        var caller = http.GetCaller();
        var query = http.Request.Query;
        var top = DefaultPage;
        if (query.TryGetValue("$top", out var topText) && (!int.TryParse(topText, out top) || top is < 1 or > 999))
        {
            return GraphError.BadRequest($"Invalid page size specified: '{topText}'. Must be between 1 and 999 inclusive.");
        }

        Guid? after = null;
        if (query.TryGetValue("$skiptoken", out var token))
        {
            if (!Guid.TryParse(token, out var id))
            {
                return GraphError.BadRequest("Invalid paging token.");
            }

            after = id;
        }

        var contacts = await db.OrgContacts.AsNoTracking()
            .Where(c => c.TenantId == caller.TenantId && (after == null || c.Id.CompareTo(after.Value) > 0))
            .OrderBy(c => c.Id)
            .Take(top + 1)
            .ToListAsync(ct);
        string? next = null;
        if (contacts.Count > top)
        {
            contacts.RemoveAt(top);
            next = $"{http.Request.Scheme}://{http.Request.Host}/v1.0/contacts?$top={top}&$skiptoken={GraphJson.Id(contacts[^1].Id)}";
        }

        return GraphJson.Ok(GraphJson.Collection("contacts", contacts.Select(c => ContactJson.Write(c)), nextLink: next));
    }

    private static async Task<IResult> GetAsync(string id, HttpContext http, SkuldDb db, CancellationToken ct)
    {
        var caller = http.GetCaller();
        var contact = Guid.TryParse(id, out var contactId)
            ? await db.OrgContacts.AsNoTracking().FirstOrDefaultAsync(c => c.TenantId == caller.TenantId && c.Id == contactId, ct)
            : null;
        if (contact is null)
        {
            return GraphError.NotFound(id);
        }

        var body = ContactJson.Write(contact);
        body.Insert(0, "@odata.context", GraphJson.ContextBase + "contacts/$entity");
        return GraphJson.Ok(body);
    }
}
