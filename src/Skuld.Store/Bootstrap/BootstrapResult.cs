using System.Diagnostics.CodeAnalysis;

namespace Skuld.Store.Bootstrap;

/// <summary>Why a bootstrap step was refused. Stable: the CLI maps each to its exit code and message.</summary>
public enum BootstrapErrorCode
{
    InvalidDomain,
    InvalidCountry,
    InvalidAdmin,
    WeakPassword,
    DomainTaken,
    TenantNotFound,
    UnknownSku,
    InvalidUnits,
    InvalidRole,
    InvalidName,
    StoreNotEmpty,
}

/// <summary>An expected failure of a bootstrap step, with a message fit to show an operator.</summary>
public sealed record BootstrapError(BootstrapErrorCode Code, string Message);

/// <summary>Either the value a bootstrap step produced, or why it was refused.</summary>
public sealed class BootstrapResult<T>
    where T : class
{
    private BootstrapResult(T? value, BootstrapError? error)
    {
        Value = value;
        Error = error;
        Succeeded = error is null;
    }

    public T? Value { get; }

    public BootstrapError? Error { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded { get; }

    public static implicit operator BootstrapResult<T>(T value) => new(value, null);

    public static implicit operator BootstrapResult<T>(BootstrapError error) => new(null, error);
}
