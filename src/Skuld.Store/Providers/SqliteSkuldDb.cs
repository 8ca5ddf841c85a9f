using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Skuld.Store.Providers;

/// <summary>The store on SQLite, with its own migrations (Migrations/Sqlite).</summary>
public sealed class SqliteSkuldDb(DbContextOptions<SqliteSkuldDb> options) : SkuldDb(options)
{
    public static DbContextOptions<SqliteSkuldDb> Options(string connectionString)
    {
        var builder = new DbContextOptionsBuilder<SqliteSkuldDb>();
        Configure(builder, connectionString);
        return builder.Options;
    }

    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder builder, string connectionString)
    {
        builder.UseSqlite(connectionString).AddInterceptors(SqlitePragmas.Instance)
            .ReplaceService<IModelCacheKeyFactory, TenantModelCacheKeyFactory>();
        return builder;
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        // SQLite has no date type and EF cannot ORDER BY or compare DateTimeOffset stored as text.
        // UTC ticks order and compare correctly as integers; the offset is not kept (all times are UTC).
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
    }

    private sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
        v => v.UtcTicks,
        v => new DateTimeOffset(v, TimeSpan.Zero));
}
