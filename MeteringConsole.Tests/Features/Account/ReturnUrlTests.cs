using MeteringConsole.Features.Account;

namespace MeteringConsole.Tests.Features.Account;

public sealed class ReturnUrlTests
{
    [Theory]
    [InlineData("/clients?search=Müller", "/clients?search=M%C3%BCller")]
    [InlineData("/clients?search=M%C3%BCller", "/clients?search=M%C3%BCller")]
    [InlineData("/assets/12#chart", "/assets/12#chart")]
    [InlineData("/日本", "/%E6%97%A5%E6%9C%AC")]
    public void ALocalPathComesBackInAscii(string url, string expected) => Assert.Equal(expected, ReturnUrls.Local(url));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("clients")]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("/\t/evil.example/")]
    [InlineData("javascript:alert(1)")]
    public void AnythingElseGoesToTheDashboard(string? url) => Assert.Equal("/", ReturnUrls.Local(url));
}
