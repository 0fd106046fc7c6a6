using System.Text;
using DomainScreen.Core.Screening;

namespace DomainScreen.Core.Tests.Screening;

public sealed class EvidenceSniffTests
{
    [Theory]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0 }, "image/png")]
    [InlineData(new byte[] { 0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 1, 0 }, "image/gif")]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10 }, "image/jpeg")]
    [InlineData(new byte[] { 0, 0, 1, 0, 1, 0, 16, 16 }, "image/x-icon")]
    [InlineData(new byte[] { 0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50, 0x56 }, "image/webp")]
    public void Sniff_KnowsIconFormatsByTheirMagicBytes(byte[] bytes, string type) => Assert.Equal(type, EvidenceRoutes.Sniff(bytes));

    [Theory]
    [InlineData("<svg xmlns=\"http://www.w3.org/2000/svg\"/>", "image/svg+xml")]
    [InlineData("\uFEFF<?xml version=\"1.0\"?>\n<svg></svg>", "image/svg+xml")]
    [InlineData("<html><script>alert(1)</script></html>", null)]
    [InlineData("Not Found", null)]
    [InlineData("", null)]
    public void Sniff_TextIsAnImageOnlyWhenItIsSvg(string text, string? type) => Assert.Equal(type, EvidenceRoutes.Sniff(Encoding.UTF8.GetBytes(text)));
}
