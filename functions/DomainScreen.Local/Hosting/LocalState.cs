using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using DomainScreen.Core.Api;

namespace DomainScreen.Local.Hosting;

/// <summary>
/// What <c>serve</c> keeps between runs, in <c>.domainscreen/</c> of the checkout (git-ignored, owner-only): the API
/// keys it created on first start (<c>keys.json</c>: one per role, for the CLI), their SHA-256 hashes as settings
/// (<c>settings.json</c>, read by <c>serve</c> like any other settings file), and Azurite's data (<c>azurite/</c>).
/// </summary>
public sealed class LocalState(string directory)
{
    /// <summary>Roles that get a key on first start (the partner key belongs to the local partner <see cref="LocalPartnerId"/>).</summary>
    public static readonly string[] KeyRoles = [Roles.Reader, Roles.Analyst, Roles.Reviewer, Roles.Admin, Roles.Partner];

    /// <summary>The partner id of the local partner key (registered as a partner by <c>serve --lab</c>).</summary>
    public const string LocalPartnerId = "local-partner";

    /// <summary>Where <c>serve</c> keeps the P-256 keys that sign partner messages.</summary>
    public string SigningKeys => Path.Combine(Directory, "signing");

    public string Directory { get; } = directory;
    public string KeysPath => Path.Combine(Directory, "keys.json");
    public string SettingsPath => Path.Combine(Directory, "settings.json");
    public string AzuriteData => Path.Combine(Directory, "azurite");

    /// <summary><c>DOMAINSCREEN_STATE_DIR</c> when set, else <c>.domainscreen/</c> of the checkout this command runs from.</summary>
    public static LocalState Default() =>
        new(Environment.GetEnvironmentVariable("DOMAINSCREEN_STATE_DIR") is { Length: > 0 } dir ? Path.GetFullPath(dir) : Path.Combine(RepositoryRoot.Find(), ".domainscreen"));

    /// <summary>
    /// Creates a key per role when there is no key file yet: keys to <c>keys.json</c>, hashes to <c>settings.json</c>,
    /// both readable by the owner only. Returns the roles of the keys created (empty when they existed).
    /// </summary>
    public IReadOnlyList<string> EnsureKeys(string url)
    {
        CreateDirectory();
        if (File.Exists(KeysPath) && File.Exists(SettingsPath) && ReadKeys()?["keys"]?[Roles.Partner] is not null) return [];
        var keys = KeyRoles.ToDictionary(r => r, _ => "ds_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)));
        var apiKeys = new JsonArray();
        foreach (var (role, key) in keys)
        {
            var entry = new JsonObject { ["Name"] = "local-" + role, ["Sha256"] = CallerAuthenticator.HashKey(key), ["Roles"] = new JsonArray(role) };
            if (role == Roles.Partner) entry["PartnerId"] = LocalPartnerId;
            apiKeys.Add(entry);
        }
        var settings = new JsonObject { ["Auth"] = new JsonObject { ["ApiKeys"] = apiKeys } };
        var file = new JsonObject { ["url"] = url, ["keys"] = new JsonObject(keys.Select(k => KeyValuePair.Create(k.Key, (JsonNode?)k.Value))) };
        WritePrivate(SettingsPath, settings.ToJsonString(Indented));
        WritePrivate(KeysPath, file.ToJsonString(Indented));
        return KeyRoles;
    }

    /// <summary>The key for a role from <c>keys.json</c> (falling back to the admin key, except for the partner role), or null.</summary>
    public string? KeyFor(string role)
    {
        var keys = ReadKeys()?["keys"]?.AsObject();
        return keys?[role]?.GetValue<string>() ?? (role == Roles.Partner ? null : keys?[Roles.Admin]?.GetValue<string>());
    }

    /// <summary>The URL <c>serve</c> last listened on, from <c>keys.json</c>.</summary>
    public string? Url => ReadKeys()?["url"]?.GetValue<string>();

    /// <summary>Records where <c>serve</c> listens now, so the CLI finds it.</summary>
    public void SaveUrl(string url)
    {
        if (ReadKeys() is not { } node) return;
        node["url"] = url;
        WritePrivate(KeysPath, node.ToJsonString(Indented));
    }

    private JsonObject? ReadKeys()
    {
        try
        {
            return File.Exists(KeysPath) ? JsonNode.Parse(File.ReadAllText(KeysPath))?.AsObject() : null;
        }
        catch (Exception ex) when (ex is JsonException or IOException or InvalidOperationException)
        {
            return null;
        }
    }

    private void CreateDirectory()
    {
        if (OperatingSystem.IsWindows()) System.IO.Directory.CreateDirectory(Directory);
        else
        {
            System.IO.Directory.CreateDirectory(Directory);
            File.SetUnixFileMode(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var ignore = Path.Combine(Directory, ".gitignore");
        if (!File.Exists(ignore)) File.WriteAllText(ignore, "# Local keys and data of `domainscreen serve`: never commit.\n*\n");
    }

    private static void WritePrivate(string path, string content)
    {
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temp, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(content);
        }
        File.Move(temp, path, overwrite: true);
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
