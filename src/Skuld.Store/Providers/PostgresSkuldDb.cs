using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Skuld.Store.Recipients;

namespace Skuld.Store.Providers;

/// <summary>The store on PostgreSQL, with its own migrations (Migrations/Postgres).</summary>
public sealed class PostgresSkuldDb(DbContextOptions<PostgresSkuldDb> options) : SkuldDb(options)
{
    public static DbContextOptions<PostgresSkuldDb> Options(string connectionString)
    {
        var builder = new DbContextOptionsBuilder<PostgresSkuldDb>();
        Configure(builder, connectionString);
        return builder.Options;
    }

    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder builder, string connectionString)
    {
        builder.UseNpgsql(connectionString)
            .ReplaceService<IModelCacheKeyFactory, TenantModelCacheKeyFactory>();
        return builder;
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        // Address keys compare by code point (as SQLite's BINARY does), so the B-tree serves prefix
        // searches: with a linguistic collation PostgreSQL cannot use the index for LIKE 'x%' or ranges.
        modelBuilder.Entity<RecipientAddress>(b =>
        {
            b.Property(a => a.AddressKey).UseCollation("C");
            b.Property(a => a.Domain).UseCollation("C");
        });
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        // Npgsql refuses to write a DateTimeOffset whose offset is not zero to timestamptz;
        // normalise instead of failing on a caller's local time.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcConverter>();
    }

    private sealed class UtcConverter() : ValueConverter<DateTimeOffset, DateTimeOffset>(
        v => v.ToUniversalTime(),
        v => v);
}
