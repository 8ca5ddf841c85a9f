using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Skuld.Store.Providers;

namespace Skuld.Store;

public static class SkuldStoreServices
{
    /// <summary>
    /// Registers the store: <see cref="SkuldDb"/> (scoped), <see cref="IDbContextFactory{SkuldDb}"/>
    /// (singleton, for workers and parallel work) and the <see cref="StoreLocation"/> itself.
    /// </summary>
    public static IServiceCollection AddSkuldStore(this IServiceCollection services, StoreLocation location)
    {
        services.AddSingleton(location);
        return location.Provider switch
        {
            StoreProvider.Sqlite => services.AddStore<SqliteSkuldDb>(b => SqliteSkuldDb.Configure(b, location.ConnectionString)),
            StoreProvider.Postgres => services.AddStore<PostgresSkuldDb>(b => PostgresSkuldDb.Configure(b, location.ConnectionString)),
        };
    }

    /// <summary>Applies the provider's migrations (creating the database if needed).</summary>
    public static Task MigrateSkuldAsync(this SkuldDb db, CancellationToken ct = default) => db.Database.MigrateAsync(ct);

    private static IServiceCollection AddStore<TDb>(this IServiceCollection services, Action<DbContextOptionsBuilder> configure)
        where TDb : SkuldDb
    {
        services.AddDbContextFactory<TDb>(configure);
        services.AddSingleton<IDbContextFactory<SkuldDb>>(sp => new Upcast<TDb>(sp.GetRequiredService<IDbContextFactory<TDb>>()));
        services.AddScoped<SkuldDb>(sp => sp.GetRequiredService<IDbContextFactory<TDb>>().CreateDbContext());
        return services;
    }

    // Code asks for the base type; the factory makes the provider's derived context.
    private sealed class Upcast<TDb>(IDbContextFactory<TDb> inner) : IDbContextFactory<SkuldDb>
        where TDb : SkuldDb
    {
        public SkuldDb CreateDbContext() => inner.CreateDbContext();
    }
}
