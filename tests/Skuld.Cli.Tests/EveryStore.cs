using Skuld.Testing;

namespace Skuld.Cli.Tests;

/// <summary>
/// Theory data for tests that run on every store kind. (ClassData rather than MemberData over
/// <see cref="StoreKinds.All"/>: xunit's analyzer crashes on that member from another assembly.)
/// </summary>
public sealed class EveryStore : TheoryData<StoreKind>
{
    public EveryStore()
    {
        AddRange(Enum.GetValues<StoreKind>());
    }
}
