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
    public static IEdmEntityType DirectoryAudit { get; }
    public static IEdmEntitySet DirectoryAudits { get; }

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
        var directoryAudit = DirectoryAuditType(model);

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
        DirectoryAudits = container.AddEntitySet("directoryAudits", directoryAudit);
        model.AddElement(container);

        Model = model;
        User = user;
        Group = group;
        DirectoryAudit = directoryAudit;
    }

    /// <summary>
    /// Graph v1.0 <c>directoryAudit</c> (resources/directoryaudit.md) and its complex types, so that
    /// paths such as <c>initiatedBy/user/userPrincipalName</c> and <c>targetResources/any(t: t/id eq …)</c>
    /// parse. <c>result</c> is Graph's <c>operationResult</c> enum, declared as a string so that
    /// <c>result eq 'failure'</c> reads as Graph's clients write it.
    /// </summary>
    private static EdmEntityType DirectoryAuditType(EdmModel model)
    {
        var text = EdmCoreModel.Instance.GetString(isNullable: true);

        var keyValue = Complex(model, "keyValue", ("key", text), ("value", text));
        var modifiedProperty = Complex(model, "modifiedProperty", ("displayName", text), ("oldValue", text), ("newValue", text));
        var targetResource = Complex(model, "targetResource",
            ("id", text), ("displayName", text), ("type", text), ("userPrincipalName", text), ("groupType", text),
            ("modifiedProperties", Collection(new EdmComplexTypeReference(modifiedProperty, isNullable: false))));
        var userIdentity = Complex(model, "auditUserIdentity",
            ("id", text), ("displayName", text), ("ipAddress", text), ("userPrincipalName", text),
            ("userType", text), ("homeTenantId", text), ("homeTenantName", text));
        var appIdentity = Complex(model, "appIdentity",
            ("appId", text), ("displayName", text), ("servicePrincipalId", text), ("servicePrincipalName", text));
        var initiator = Complex(model, "auditActivityInitiator",
            ("app", new EdmComplexTypeReference(appIdentity, isNullable: true)),
            ("user", new EdmComplexTypeReference(userIdentity, isNullable: true)));

        var audit = new EdmEntityType(Namespace, "directoryAudit");
        audit.AddKeys(audit.AddStructuralProperty("id", EdmPrimitiveTypeKind.String, isNullable: false));
        audit.AddStructuralProperty("activityDateTime", EdmPrimitiveTypeKind.DateTimeOffset, isNullable: false);
        audit.AddStructuralProperty("activityDisplayName", text);
        audit.AddStructuralProperty("additionalDetails", Collection(new EdmComplexTypeReference(keyValue, isNullable: false)));
        audit.AddStructuralProperty("category", text);
        audit.AddStructuralProperty("correlationId", text);
        audit.AddStructuralProperty("initiatedBy", new EdmComplexTypeReference(initiator, isNullable: true));
        audit.AddStructuralProperty("loggedByService", text);
        audit.AddStructuralProperty("operationType", text);
        audit.AddStructuralProperty("result", text);
        audit.AddStructuralProperty("resultReason", text);
        audit.AddStructuralProperty("targetResources", Collection(new EdmComplexTypeReference(targetResource, isNullable: false)));
        model.AddElement(audit);
        return audit;
    }

    private static EdmComplexType Complex(EdmModel model, string name, params (string Name, IEdmTypeReference Type)[] properties)
    {
        var type = new EdmComplexType(Namespace, name);
        foreach (var (property, propertyType) in properties)
        {
            type.AddStructuralProperty(property, propertyType);
        }

        model.AddElement(type);
        return type;
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
