using Microsoft.OData.Edm;

namespace Skuld.Server.Graph.Query;

/// <summary>
/// The slice of Graph's v1.0 metadata that Skuld's query options are parsed against. Every Graph
/// v1.0 property of a user is declared — also those Skuld doesn't keep — so that <c>$select</c> of a
/// real Graph property parses (and comes back null, as Graph returns unset properties) while a name
/// Graph doesn't have fails with the OData library's own message, which is Graph's:
/// "Could not find a property named 'xyz' on type 'microsoft.graph.user'."
/// Which of them can be filtered or sorted is the resource's business (<see cref="UserResource"/>).
/// </summary>
public static class GraphModel
{
    public const string Namespace = "microsoft.graph";

    public static IEdmModel Model { get; }
    public static IEdmEntityType User { get; }
    public static IEdmEntitySet Users { get; }
    public static IEdmEntityType Group { get; }
    public static IEdmEntitySet Groups { get; }

    static GraphModel()
    {
        var model = new EdmModel();

        var assignedLicense = new EdmComplexType(Namespace, "assignedLicense");
        assignedLicense.AddStructuralProperty("skuId", EdmPrimitiveTypeKind.Guid, isNullable: true);
        assignedLicense.AddStructuralProperty("disabledPlans", Collection(EdmCoreModel.Instance.GetGuid(isNullable: false)));
        model.AddElement(assignedLicense);

        var user = new EdmEntityType(Namespace, "user");
        user.AddKeys(user.AddStructuralProperty("id", EdmPrimitiveTypeKind.String, isNullable: false));
        foreach (var (name, type) in UserProperties(assignedLicense))
        {
            user.AddStructuralProperty(name, type);
        }

        model.AddElement(user);

        var group = new EdmEntityType(Namespace, "group");
        group.AddKeys(group.AddStructuralProperty("id", EdmPrimitiveTypeKind.String, isNullable: false));
        foreach (var (name, type) in GroupProperties(assignedLicense))
        {
            group.AddStructuralProperty(name, type);
        }

        model.AddElement(group);

        var container = new EdmEntityContainer(Namespace, "GraphService");
        Users = container.AddEntitySet("users", user);
        Groups = container.AddEntitySet("groups", group);
        model.AddElement(container);

        Model = model;
        User = user;
        Group = group;
    }

    /// <summary>
    /// Graph v1.0 user properties (resources/user.md), besides <c>id</c>. Types matter only where a
    /// filter can name them; Graph's complex types that Skuld never fills are declared untyped.
    /// </summary>
    private static IEnumerable<(string Name, IEdmTypeReference Type)> UserProperties(IEdmComplexType assignedLicense)
    {
        var text = EdmCoreModel.Instance.GetString(isNullable: true);
        var texts = Collection(EdmCoreModel.Instance.GetString(isNullable: false));
        var flag = EdmCoreModel.Instance.GetBoolean(isNullable: true);
        var time = EdmCoreModel.Instance.GetDateTimeOffset(isNullable: true);
        var untyped = EdmCoreModel.Instance.GetUntyped();
        var untypedMany = Collection(EdmCoreModel.Instance.GetUntyped());

        return
        [
            ("aboutMe", text), ("accountEnabled", flag), ("ageGroup", text),
            ("assignedLicenses", Collection(new EdmComplexTypeReference(assignedLicense, isNullable: false))),
            ("assignedPlans", untypedMany), ("authorizationInfo", untyped), ("birthday", time),
            ("businessPhones", texts), ("city", text), ("companyName", text), ("consentProvidedForMinor", text),
            ("country", text), ("createdDateTime", time), ("creationType", text), ("customSecurityAttributes", untyped),
            ("deletedDateTime", time), ("department", text), ("displayName", text), ("employeeHireDate", time),
            ("employeeLeaveDateTime", time), ("employeeId", text), ("employeeOrgData", untyped), ("employeeType", text),
            ("externalUserState", text), ("externalUserStateChangeDateTime", time), ("faxNumber", text),
            ("givenName", text), ("hireDate", time), ("identities", untypedMany), ("imAddresses", texts),
            ("interests", texts), ("isManagementRestricted", flag), ("isResourceAccount", flag), ("jobTitle", text),
            ("lastPasswordChangeDateTime", time), ("legalAgeGroupClassification", text),
            ("licenseAssignmentStates", untypedMany), ("mail", text), ("mailboxSettings", untyped),
            ("mailNickname", text), ("mobilePhone", text), ("mySite", text), ("officeLocation", text),
            ("onPremisesDistinguishedName", text), ("onPremisesDomainName", text),
            ("onPremisesExtensionAttributes", untyped), ("onPremisesImmutableId", text),
            ("onPremisesLastSyncDateTime", time), ("onPremisesProvisioningErrors", untypedMany),
            ("onPremisesSamAccountName", text), ("onPremisesSecurityIdentifier", text), ("onPremisesSyncEnabled", flag),
            ("onPremisesUserPrincipalName", text), ("otherMails", texts), ("passwordPolicies", text),
            ("passwordProfile", untyped), ("pastProjects", texts), ("postalCode", text), ("preferredDataLocation", text),
            ("preferredLanguage", text), ("preferredName", text), ("print", untyped), ("provisionedPlans", untypedMany),
            ("proxyAddresses", texts), ("responsibilities", texts), ("schools", texts), ("securityIdentifier", text),
            ("serviceProvisioningErrors", untypedMany), ("showInAddressList", flag), ("signInActivity", untyped),
            ("signInSessionsValidFromDateTime", time), ("skills", texts), ("state", text), ("streetAddress", text),
            ("surname", text), ("usageLocation", text), ("userPrincipalName", text), ("userType", text),
        ];
    }

    /// <summary>
    /// Graph v1.0 group properties (resources/group.md), besides <c>id</c>. <c>hasMembersWithLicenseErrors</c>
    /// is only ever used in <c>$filter</c>; <c>licenseProcessingState</c> is Graph's complex type, read-only.
    /// </summary>
    private static IEnumerable<(string Name, IEdmTypeReference Type)> GroupProperties(IEdmComplexType assignedLicense)
    {
        var text = EdmCoreModel.Instance.GetString(isNullable: true);
        var texts = Collection(EdmCoreModel.Instance.GetString(isNullable: false));
        var flag = EdmCoreModel.Instance.GetBoolean(isNullable: true);
        var time = EdmCoreModel.Instance.GetDateTimeOffset(isNullable: true);
        var number = EdmCoreModel.Instance.GetInt32(isNullable: true);
        var untyped = EdmCoreModel.Instance.GetUntyped();
        var untypedMany = Collection(EdmCoreModel.Instance.GetUntyped());

        return
        [
            ("allowExternalSenders", flag), ("assignedLabels", untypedMany),
            ("assignedLicenses", Collection(new EdmComplexTypeReference(assignedLicense, isNullable: false))),
            ("autoSubscribeNewMembers", flag), ("classification", text), ("createdDateTime", time),
            ("deletedDateTime", time), ("description", text), ("displayName", text), ("expirationDateTime", time),
            ("groupTypes", texts), ("hasMembersWithLicenseErrors", flag), ("hideFromAddressLists", flag),
            ("hideFromOutlookClients", flag), ("isArchived", flag), ("isAssignableToRole", flag),
            ("isManagementRestricted", flag), ("isSubscribedByMail", flag), ("licenseProcessingState", untyped),
            ("mail", text), ("mailEnabled", flag), ("mailNickname", text), ("membershipRule", text),
            ("membershipRuleProcessingState", text), ("onPremisesDomainName", text),
            ("onPremisesLastSyncDateTime", time), ("onPremisesNetBiosName", text),
            ("onPremisesProvisioningErrors", untypedMany), ("onPremisesSamAccountName", text),
            ("onPremisesSecurityIdentifier", text), ("onPremisesSyncEnabled", flag), ("preferredDataLocation", text),
            ("preferredLanguage", text), ("proxyAddresses", texts), ("renewedDateTime", time),
            ("securityEnabled", flag), ("securityIdentifier", text), ("serviceProvisioningErrors", untypedMany),
            ("theme", text), ("uniqueName", text), ("unseenCount", number), ("visibility", text),
        ];
    }

    private static EdmCollectionTypeReference Collection(IEdmTypeReference element) => new(new EdmCollectionType(element));
}
