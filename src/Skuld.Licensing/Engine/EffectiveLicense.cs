using System.Collections.Immutable;

namespace Skuld.Licensing.Engine;

/// <summary>
/// A product a user holds, all sources combined: Graph's assignedLicense (disabled plans are the
/// intersection of the sources' disabled plans) plus the enabled plans (the union).
/// </summary>
public sealed record EffectiveLicense(Guid SkuId, ImmutableArray<Guid> DisabledPlans, ImmutableArray<Guid> EnabledPlans);
