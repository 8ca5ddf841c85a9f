using System.Security.Cryptography;

namespace Skuld.Store.Bootstrap;

/// <summary>Entra's password rule for cloud accounts, and strong generated passwords that satisfy it.</summary>
public static class Passwords
{
    private const string Upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    private const string Lower = "abcdefghijkmnopqrstuvwxyz";
    private const string Digits = "23456789";
    // Symbols that survive single quotes in a shell and a form field even when not URL-encoded (no % + & =).
    private const string Symbols = "-_.~!@#";

    /// <summary>8 to 256 characters with at least three of: upper case, lower case, digit, symbol.</summary>
    public static bool IsStrongEnough(string password)
    {
        if (password.Length is < 8 or > 256)
        {
            return false;
        }

        var kinds = (password.Any(char.IsUpper) ? 1 : 0)
            + (password.Any(char.IsLower) ? 1 : 0)
            + (password.Any(char.IsDigit) ? 1 : 0)
            + (password.Any(c => !char.IsLetterOrDigit(c)) ? 1 : 0);
        return kinds >= 3;
    }

    /// <summary>A random 20-character password with every kind of character (about 118 bits).</summary>
    public static string Generate()
    {
        const string all = Upper + Lower + Digits + Symbols;
        char[] chars =
        [
            Pick(Upper), Pick(Lower), Pick(Digits), Pick(Symbols),
            .. Enumerable.Range(0, 16).Select(_ => Pick(all)),
        ];
        RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new string(chars);
    }

    private static char Pick(string from) => from[RandomNumberGenerator.GetInt32(from.Length)];
}
