using System.Reflection;
using Skuld.Testing;
using Xunit.Sdk;
using Xunit.v3;

namespace Skuld.Server.Tests.Infrastructure;

/// <summary>TEMPORARY copy of Skuld.Testing.AllStoresAttribute (branch store, not yet committed): delete on merge.
/// 
/// Runs a theory once per store kind: <c>[Theory, AllStores] public async Task X(StoreKind kind)</c>.
/// (An attribute rather than MemberData: xunit's analyzer crashes on a MemberData member that lives in
/// another assembly.)
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class AllStoresAttribute : DataAttribute
{
    public override ValueTask<IReadOnlyCollection<ITheoryDataRow>> GetData(MethodInfo testMethod, DisposalTracker disposalTracker) =>
        new([new TheoryDataRow<StoreKind>(StoreKind.Sqlite), new TheoryDataRow<StoreKind>(StoreKind.Postgres)]);

    public override bool SupportsDiscoveryEnumeration() => true;
}
