using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using Skuld.Store;
using Skuld.Store.Auth;

namespace Skuld.Server.Auth;

/// <summary>
/// The HS256 key shared by every server process on one store. Created on first use under a fixed id, so
/// two processes racing to create it cannot end up with different keys: the loser's insert violates the
/// primary key and it reads the winner's row.
/// </summary>
internal sealed class TokenSigningKey(IServiceScopeFactory scopes, TimeProvider time) : IDisposable
{
    private static readonly Guid CurrentKeyId = new("5c0d5c0d-0000-4000-8000-000000000001");

    private readonly SemaphoreSlim _gate = new(1, 1);
    private SymmetricSecurityKey? _key;

    /// <summary>The key once loaded; token validation calls <see cref="GetAsync"/> first (see AddSkuldAuth).</summary>
    public SymmetricSecurityKey? Loaded => _key;

    public async Task<SymmetricSecurityKey> GetAsync(CancellationToken cancellationToken)
    {
        if (_key is { } key)
        {
            return key;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            _key ??= await LoadOrCreateAsync(cancellationToken);
            return _key;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<SymmetricSecurityKey> LoadOrCreateAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SkuldDb>();
        var stored = await ReadAsync(db, cancellationToken);
        if (stored is null)
        {
            db.SigningKeys.Add(new SigningKey
            {
                Id = CurrentKeyId,
                Key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32),
                CreatedDateTime = time.GetUtcNow(),
            });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another process created it first; its key is the one to use.
            }

            db.ChangeTracker.Clear();
            stored = await ReadAsync(db, cancellationToken)
                ?? throw new InvalidOperationException("The token signing key could neither be created nor read.");
        }

        return new SymmetricSecurityKey(stored.Key) { KeyId = stored.Id.ToString() };
    }

    public void Dispose() => _gate.Dispose();

    private static Task<SigningKey?> ReadAsync(SkuldDb db, CancellationToken cancellationToken) =>
        db.SigningKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Id == CurrentKeyId, cancellationToken);
}
