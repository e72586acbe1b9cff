using Baton.Core.Files;
using Baton.Core.Tests.Files;
using Baton.Infrastructure.Files;
using Xunit;

namespace Baton.IntegrationTests.Files;

/// <summary>The file contract of the in-memory fake, on the real disk in a temp folder.</summary>
public sealed class LocalFilesTests : FilesContract, IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "baton-files-" + Guid.NewGuid().ToString("N")[..10]);

    public LocalFilesTests()
    {
        Directory.CreateDirectory(_root);
    }

    protected override IFiles Files { get; } = new LocalFiles();

    protected override string Root => _root;

    [Fact]
    public void An_executable_is_0755_and_a_private_file_0600_whatever_the_umask()
    {
        Files.WriteText(Path.Combine(_root, "bin", "baton"), "#!/bin/sh\n", FilePermissions.Executable);
        Files.WriteText(Path.Combine(_root, "secret"), "token", FilePermissions.Private);

        Assert.Equal(Convert.ToInt32("755", 8), (int)File.GetUnixFileMode(Path.Combine(_root, "bin", "baton")));
        Assert.Equal(Convert.ToInt32("600", 8), (int)File.GetUnixFileMode(Path.Combine(_root, "secret")));
    }

    [Fact]
    public void A_file_is_written_as_utf8_without_a_byte_order_mark()
    {
        Files.WriteText(Path.Combine(_root, "é.md"), "é");

        Assert.Equal([0xC3, 0xA9], File.ReadAllBytes(Path.Combine(_root, "é.md")));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
