using Microsoft.EntityFrameworkCore.Design;

namespace Skuld.Store.Providers;

// Used by `dotnet dotnet-ef migrations add` only; generating migrations does not connect.

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteSkuldDb>
{
    public SqliteSkuldDb CreateDbContext(string[] args) => new(SqliteSkuldDb.Options("Data Source=design-time.db"));
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresSkuldDb>
{
    public PostgresSkuldDb CreateDbContext(string[] args) => new(PostgresSkuldDb.Options("Host=localhost;Database=skuld;Username=skuld"));
}
