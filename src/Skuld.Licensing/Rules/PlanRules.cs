namespace Skuld.Licensing.Rules;

/// <summary>
/// The rules between service plans, kept as data: groups of mutually exclusive plans, prerequisites
/// (a plan that needs one of a set of other plans) and plans prohibited in some usage locations.
/// </summary>
public sealed class PlanRules
{
    /// <summary>The rules Skuld ships with (embedded data, see Catalogue/Data).</summary>
    public static PlanRules BuiltIn => throw new NotImplementedException();
}
