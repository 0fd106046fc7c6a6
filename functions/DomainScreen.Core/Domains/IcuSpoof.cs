using System.Runtime.InteropServices;

namespace DomainScreen.Core.Domains;

/// <summary>
/// Unicode TR39 (security mechanisms) from ICU, the library .NET itself uses for globalization on Linux and macOS and
/// that Windows ships as <c>icu.dll</c>: the confusable <b>skeleton</b> (<c>uspoof_getSkeleton</c>, with ICU's copy
/// of confusables.txt) and each character's <b>script</b> (<c>uscript_getScript</c>). Loaded once; when no ICU is
/// found, <see cref="Available"/> is false and callers say so rather than guess.
/// </summary>
internal static class IcuSpoof
{
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr OpenFn(ref int status);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl, CharSet = CharSet.Unicode)]
    private delegate int SkeletonFn(IntPtr checker, int type, [MarshalAs(UnmanagedType.LPWStr)] string id, int length, [Out] char[] dest, int capacity, ref int status);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int ScriptFn(int codePoint, ref int status);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr ShortNameFn(int script);

    private sealed record Bindings(IntPtr Checker, SkeletonFn Skeleton, ScriptFn Script, ShortNameFn ShortName);

    private static readonly Lazy<Bindings?> Icu = new(Load);

    public static bool Available => Icu.Value is not null;

    /// <summary>Script codes ICU gives Common and Inherited characters (digits, hyphen, combining marks).</summary>
    public const int Common = 0, Inherited = 1;

    /// <summary>The TR39 skeleton of <paramref name="text"/>; null without ICU.</summary>
    public static string? Skeleton(string text)
    {
        if (Icu.Value is not { } icu || text.Length == 0) return text.Length == 0 ? text : null;
        var buffer = new char[Math.Max(16, text.Length * 4)];
        var status = 0;
        int length;
        // uspoof.h, "Thread Safety": functions taking a const USpoofChecker, as uspoof_getSkeleton does, are thread safe: no lock on
        // the screening path, where many domains are inspected in parallel.
        length = icu.Skeleton(icu.Checker, 0, text, text.Length, buffer, buffer.Length, ref status);
        return status > 0 || length > buffer.Length ? null : new string(buffer, 0, length);
    }

    /// <summary>The ICU script code of a code point (see <see cref="Common"/>); -1 without ICU.</summary>
    public static int Script(int codePoint)
    {
        if (Icu.Value is not { } icu) return -1;
        var status = 0;
        var script = icu.Script(codePoint, ref status);
        return status > 0 ? -1 : script;
    }

    /// <summary>The ISO 15924 code of an ICU script (<c>Latn</c>, <c>Cyrl</c>, <c>Hani</c>).</summary>
    public static string ScriptName(int script) =>
        Icu.Value is { } icu && Marshal.PtrToStringAnsi(icu.ShortName(script)) is { } name ? name : script.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static Bindings? Load()
    {
        foreach (var (i18n, uc, suffix) in Candidates())
        {
            if (!NativeLibrary.TryLoad(i18n, out var i18nLib)) continue;
            if (!NativeLibrary.TryLoad(uc, out var ucLib)) continue;
            if (!NativeLibrary.TryGetExport(i18nLib, "uspoof_open" + suffix, out var open)
                || !NativeLibrary.TryGetExport(i18nLib, "uspoof_getSkeleton" + suffix, out var skeleton)
                || !NativeLibrary.TryGetExport(ucLib, "uscript_getScript" + suffix, out var script)
                || !NativeLibrary.TryGetExport(ucLib, "uscript_getShortName" + suffix, out var shortName))
            {
                continue;
            }
            var status = 0;
            var checker = Marshal.GetDelegateForFunctionPointer<OpenFn>(open)(ref status);
            if (status > 0 || checker == IntPtr.Zero) continue;
            return new Bindings(checker, Marshal.GetDelegateForFunctionPointer<SkeletonFn>(skeleton),
                Marshal.GetDelegateForFunctionPointer<ScriptFn>(script), Marshal.GetDelegateForFunctionPointer<ShortNameFn>(shortName));
        }
        return null;
    }

    // Linux distributions suffix ICU's symbols and sonames with its major version; Windows' icu.dll and macOS'
    // libicucore do not.
    private static IEnumerable<(string I18n, string Uc, string Suffix)> Candidates()
    {
        if (OperatingSystem.IsWindows())
        {
            yield return ("icu.dll", "icu.dll", "");
            yield break;
        }
        if (OperatingSystem.IsMacOS())
        {
            yield return ("libicucore.dylib", "libicucore.dylib", "");
            yield break;
        }
        for (var version = 90; version >= 50; version--)
        {
            yield return ($"libicui18n.so.{version}", $"libicuuc.so.{version}", $"_{version}");
        }
    }
}
