using System.Collections.Immutable;

namespace Skuld.Licensing.Rules;

/// <summary>
/// An enabled <see cref="PlanId"/> needs at least one of <see cref="AnyOf"/> enabled on the same user
/// (Graph: DependencyViolation).
/// </summary>
public sealed record PlanDependency(Guid PlanId, ImmutableArray<Guid> AnyOf);
