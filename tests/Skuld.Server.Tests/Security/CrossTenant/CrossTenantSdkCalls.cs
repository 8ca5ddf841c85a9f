using Microsoft.Graph;
using Microsoft.Graph.Models;
using GroupAssign = Microsoft.Graph.Groups.Item.AssignLicense.AssignLicensePostRequestBody;
using UserAssign = Microsoft.Graph.Users.Item.AssignLicense.AssignLicensePostRequestBody;

namespace Skuld.Server.Tests.Security.CrossTenant;

/// <summary>
/// The cases of <see cref="CrossTenantCases"/> that the official Microsoft.Graph SDK can express, as SDK calls: the
/// same requests as a Graph client would send them, answered with the same errors (surfacing as ODataError).
/// </summary>
public static class CrossTenantSdkCalls
{
    public static IReadOnlyDictionary<string, Func<GraphServiceClient, CrossTenantWorld, Task>> ByCase { get; } =
        new Dictionary<string, Func<GraphServiceClient, CrossTenantWorld, Task>>
        {
            ["get B's user by id"] = (g, w) => g.Users[Id(w.BVictim.Id)].GetAsync(),
            ["get B's user by UPN"] = (g, w) => g.Users[w.BVictim.UserPrincipalName].GetAsync(),
            ["get B's user with $select"] = (g, w) => g.Users[Id(w.BVictim.Id)].GetAsync(r => r.QueryParameters.Select = ["id", "licenseAssignmentStates", "assignedLicenses"]),
            ["create a user in B's domain"] = (g, w) => g.Users.PostAsync(NewUser($"intruder@{w.B.Domain}")),
            ["create a user with B's user's UPN"] = (g, w) => g.Users.PostAsync(NewUser(w.BVictim.UserPrincipalName)),
            ["rename B's user by id"] = (g, w) => g.Users[Id(w.BVictim.Id)].PatchAsync(new User { DisplayName = "Hijacked" }),
            ["rename B's user by UPN"] = (g, w) => g.Users[w.BVictim.UserPrincipalName].PatchAsync(new User { DisplayName = "Hijacked" }),
            ["set B's user's usage location"] = (g, w) => g.Users[Id(w.BVictim.Id)].PatchAsync(new User { UsageLocation = "GB" }),
            ["move A's user into B's domain"] = (g, w) => g.Users[Id(w.AUser.Id)].PatchAsync(new User { UserPrincipalName = $"alex@{w.B.Domain}" }),
            ["delete B's user by id"] = (g, w) => g.Users[Id(w.BVictim.Id)].DeleteAsync(),
            ["delete B's user by UPN"] = (g, w) => g.Users[w.BVictim.UserPrincipalName].DeleteAsync(),
            ["license B's user"] = (g, w) => g.Users[Id(w.BVictim.Id)].AssignLicense.PostAsync(UserLicenses(add: CrossTenantWorld.SharedSku)),
            ["license B's user by UPN"] = (g, w) => g.Users[w.BVictim.UserPrincipalName].AssignLicense.PostAsync(UserLicenses(add: CrossTenantWorld.SharedSku)),
            ["unlicense B's user"] = (g, w) => g.Users[Id(w.BVictim.Id)].AssignLicense.PostAsync(UserLicenses(remove: CrossTenantWorld.SharedSku)),
            ["give A's user B's product"] = (g, w) => g.Users[Id(w.AUser.Id)].AssignLicense.PostAsync(UserLicenses(add: CrossTenantWorld.OnlyBSku)),
            ["give myself B's product"] = (g, _) => g.Me.AssignLicense.PostAsync(new Microsoft.Graph.Me.AssignLicense.AssignLicensePostRequestBody
            {
                AddLicenses = [new AssignedLicense { SkuId = CrossTenantWorld.OnlyBSku, DisabledPlans = [] }],
                RemoveLicenses = [],
            }),
            ["B's user's license details"] = (g, w) => g.Users[Id(w.BVictim.Id)].LicenseDetails.GetAsync(),
            ["B's user's license details by UPN"] = (g, w) => g.Users[w.BVictim.UserPrincipalName].LicenseDetails.GetAsync(),
            ["reprocess B's user"] = (g, w) => g.Users[Id(w.BVictim.Id)].ReprocessLicenseAssignment.PostAsync(),
            ["reprocess B's user by UPN"] = (g, w) => g.Users[w.BVictim.UserPrincipalName].ReprocessLicenseAssignment.PostAsync(),
            ["B's user's groups"] = (g, w) => g.Users[Id(w.BVictim.Id)].MemberOf.GetAsync(),
            ["B's user's groups by UPN"] = (g, w) => g.Users[w.BVictim.UserPrincipalName].MemberOf.GetAsync(),
            ["B's user's transitive groups"] = (g, w) => g.Users[Id(w.BVictim.Id)].TransitiveMemberOf.GetAsync(),
            ["get B's group"] = (g, w) => g.Groups[Id(w.BGroup)].GetAsync(),
            ["get B's group's license state"] = (g, w) => g.Groups[Id(w.BGroup)].GetAsync(r => r.QueryParameters.Select = ["assignedLicenses", "licenseProcessingState", "hasMembersWithLicenseErrors"]),
            ["rename B's group"] = (g, w) => g.Groups[Id(w.BGroup)].PatchAsync(new Group { DisplayName = "Hijacked" }),
            ["delete B's group"] = (g, w) => g.Groups[Id(w.BGroup)].DeleteAsync(),
            ["B's group's members"] = (g, w) => g.Groups[Id(w.BGroup)].Members.GetAsync(),
            ["B's group's transitive members"] = (g, w) => g.Groups[Id(w.BGroup)].TransitiveMembers.GetAsync(),
            ["B's group's groups"] = (g, w) => g.Groups[Id(w.BGroup)].MemberOf.GetAsync(),
            ["B's group's transitive groups"] = (g, w) => g.Groups[Id(w.BGroup)].TransitiveMemberOf.GetAsync(),
            ["add A's user to B's group"] = (g, w) => g.Groups[Id(w.BGroup)].Members.Ref.PostAsync(Reference(w.AUser.Id)),
            ["add B's user to A's group"] = (g, w) => g.Groups[Id(w.AGroup)].Members.Ref.PostAsync(Reference(w.BVictim.Id)),
            ["add B's user to B's group"] = (g, w) => g.Groups[Id(w.BGroup)].Members.Ref.PostAsync(Reference(w.BVictim.Id)),
            ["remove B's user from B's group"] = (g, w) => g.Groups[Id(w.BGroup)].Members[Id(w.BVictim.Id)].Ref.DeleteAsync(),
            ["remove B's user from A's group"] = (g, w) => g.Groups[Id(w.AGroup)].Members[Id(w.BVictim.Id)].Ref.DeleteAsync(),
            ["license B's group"] = (g, w) => g.Groups[Id(w.BGroup)].AssignLicense.PostAsync(GroupLicenses(CrossTenantWorld.SharedSku)),
            ["give A's group B's product"] = (g, w) => g.Groups[Id(w.AGroup)].AssignLicense.PostAsync(GroupLicenses(CrossTenantWorld.OnlyBSku)),
            ["B's group's members in error"] = (g, w) => g.Groups[Id(w.BGroup)].MembersWithLicenseErrors.GetAsync(),
            ["B's subscription of the shared SKU"] = (g, w) => g.SubscribedSkus[$"{w.B.Id}_{CrossTenantWorld.SharedSku}"].GetAsync(),
            ["B's subscription of its own SKU"] = (g, w) => g.SubscribedSkus[$"{w.B.Id}_{CrossTenantWorld.OnlyBSku}"].GetAsync(),
            ["B's SKU under A's tenant id"] = (g, w) => g.SubscribedSkus[$"{w.A.Id}_{CrossTenantWorld.OnlyBSku}"].GetAsync(),
            ["B's organization"] = (g, w) => g.Organization[Id(w.B.Id)].GetAsync(),
            ["get B's contact"] = (g, w) => g.Contacts[Id(w.BContact)].GetAsync(),
            ["get B's contact by its address"] = (g, _) => g.Contacts[CrossTenantWorld.ContactMail].GetAsync(),
            ["B's audit event"] = (g, w) => g.AuditLogs.DirectoryAudits[$"Directory_{w.BEvent.Id}"].GetAsync(),
        };

    private static string Id(Guid id) => id.ToString();

    private static User NewUser(string upn) => new()
    {
        AccountEnabled = true,
        DisplayName = "Intruder",
        MailNickname = "intruder",
        UserPrincipalName = upn,
        PasswordProfile = new PasswordProfile { Password = Infrastructure.TestDirectory.Password },
    };

    private static UserAssign UserLicenses(Guid? add = null, Guid? remove = null) => new()
    {
        AddLicenses = add is { } a ? [new AssignedLicense { SkuId = a, DisabledPlans = [] }] : [],
        RemoveLicenses = remove is { } r ? [r] : [],
    };

    private static GroupAssign GroupLicenses(Guid add) => new()
    {
        AddLicenses = [new AssignedLicense { SkuId = add, DisabledPlans = [] }],
        RemoveLicenses = [],
    };

    private static ReferenceCreate Reference(Guid id) => new() { OdataId = $"https://graph.microsoft.com/v1.0/directoryObjects/{id}" };
}
