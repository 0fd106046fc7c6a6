using System.Text;
using DomainScreen.Core.Api;
using Microsoft.Extensions.Options;

namespace DomainScreen.Core.Tests.Api;

public sealed class CallerAuthenticatorTests
{
    private static CallerAuthenticator ApiKeys(string key, params string[] roles)
    {
        var options = new AuthOptions { Mode = AuthOptions.ApiKeysMode };
        var entry = new ApiKeyOptions { Name = "tester", Sha256 = CallerAuthenticator.HashKey(key) };
        foreach (var r in roles) entry.Roles.Add(r);
        options.ApiKeys.Add(entry);
        return new CallerAuthenticator(Options.Create(options));
    }

    private static Func<string, string?> Headers(params (string Name, string Value)[] headers) =>
        name => headers.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Value;

    [Fact]
    public void ApiKey_BearerOrHeader_MapsToRoles()
    {
        var auth = ApiKeys("s3cret", Roles.Analyst);

        Assert.Equal(["analyst"], auth.Authenticate(Headers(("Authorization", "Bearer s3cret")))!.Roles);
        Assert.Equal("tester", auth.Authenticate(Headers(("X-Api-Key", "s3cret")))!.Name);
    }

    [Theory]
    [InlineData("Bearer wrong")]
    [InlineData("Basic s3cret")]
    [InlineData("")]
    public void ApiKey_WrongOrMissing_IsNull(string authorization)
    {
        Assert.Null(ApiKeys("s3cret", Roles.Admin).Authenticate(Headers(("Authorization", authorization))));
    }

    [Fact]
    public void AppService_ReadsRoleClaimsFromPrincipalHeader()
    {
        const string principal = """{"auth_typ":"aad","name_typ":"name","role_typ":"roles","claims":[{"typ":"name","val":"Li Wei"},{"typ":"roles","val":"reviewer"},{"typ":"roles","val":"reader"}]}""";
        var auth = new CallerAuthenticator(Options.Create(new AuthOptions()));

        var caller = auth.Authenticate(Headers(("X-MS-CLIENT-PRINCIPAL", Convert.ToBase64String(Encoding.UTF8.GetBytes(principal)))));

        Assert.Equal("Li Wei", caller!.Name);
        Assert.True(caller.IsInAny([Roles.Reviewer]));
        Assert.False(caller.IsInAny(Roles.CanOperate));
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("bm90IGpzb24=")]
    public void AppService_GarbageHeader_IsNull(string header)
    {
        var auth = new CallerAuthenticator(Options.Create(new AuthOptions()));

        Assert.Null(auth.Authenticate(Headers(("X-MS-CLIENT-PRINCIPAL", header))));
    }

    [Fact]
    public void AppService_IgnoresApiKeys()
    {
        var auth = new CallerAuthenticator(Options.Create(new AuthOptions()));

        Assert.Null(auth.Authenticate(Headers(("Authorization", "Bearer anything"))));
    }
}
