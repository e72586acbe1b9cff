using Baton.Core.Files;
using Baton.Core.Tests.Fakes;
using Xunit;

namespace Baton.Core.Tests.Files;

public sealed class InMemoryFilesTests : FilesContract
{
    private readonly InMemoryFiles _files = new();

    public InMemoryFilesTests()
    {
        _files.CreateDirectory("/repo");
    }

    protected override IFiles Files => _files;

    protected override string Root => "/repo";

    [Fact]
    public void A_relative_path_is_refused()
    {
        Assert.Throws<ArgumentException>(() => _files.WriteText("relative/page.md", "x"));
    }

    [Fact]
    public void The_permissions_asked_for_are_kept()
    {
        _files.WriteText("/repo/bin/baton", "#!/bin/sh\n", FilePermissions.Executable);

        Assert.Equal(FilePermissions.Executable, _files.PermissionsOf("/repo/bin/baton"));
    }
}
