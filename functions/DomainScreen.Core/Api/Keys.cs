namespace DomainScreen.Core.Api;

/// <summary>Checks of ids taken from a URL before they reach a storage key.</summary>
internal static class Keys
{
    /// <summary>A generated id: 2–80 ASCII letters, digits and hyphens.</summary>
    public static bool IsId(string id) => id.Length is > 1 and <= 80 && id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
}
