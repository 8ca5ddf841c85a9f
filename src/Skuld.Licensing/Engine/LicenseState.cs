namespace Skuld.Licensing.Engine;

/// <summary>Graph's licenseAssignmentState.state.</summary>
public enum LicenseState
{
    Active,
    ActiveWithError,
    Disabled,
    Error,
}

/// <summary>Graph's licenseAssignmentState.error (<c>None</c> when fine).</summary>
public enum LicenseError
{
    None,
    CountViolation,
    MutuallyExclusiveViolation,
    DependencyViolation,
    ProhibitedInUsageLocationViolation,
    UniquenessViolation,
    Other,
}
