using Baton.Core.Config;
using Baton.Core.Roles;
using Baton.Core.Tests.Fakes;
using Xunit;

namespace Baton.Core.Tests.Roles;

/// <summary>A named agent's memory file, on the in-memory file system.</summary>
public sealed class MemoryFileTests
{
    private static readonly DateTimeOffset Day = new(2026, 11, 22, 23, 30, 0, TimeSpan.FromHours(-2));
    private readonly InMemoryFiles _files = new();
    private readonly RoleService _roles;

    public MemoryFileTests()
    {
        _roles = new RoleService(new NoRoles(), _ => throw new InvalidOperationException("no directive is resolved"), BatonPaths.ForRoot("/repo"), _files);
    }

    [Fact]
    public void A_name_without_memories_has_none()
    {
        Assert.Null(_roles.ReadMemory("ada"));
    }

    [Fact]
    public void The_first_memory_gets_a_heading_and_later_ones_are_appended_on_one_line_each()
    {
        _roles.AddMemory("ada", "  the tests need tmux  ", Day);
        _roles.AddMemory("ada", "run\nmake lint", Day.AddDays(1));

        Assert.Equal("# Memory of ada\n\n- the tests need tmux (2026-11-23)\n- run make lint (2026-11-24)\n", _roles.ReadMemory("ada"));
        Assert.Equal("/repo/.baton/memories/ada.md", Assert.Single(_files.AllFiles));
    }

    [Fact]
    public void An_empty_memory_is_a_usage_error_and_writes_nothing()
    {
        var e = Assert.Throws<BatonException>(() => _roles.AddMemory("ada", "  ", Day));

        Assert.Equal(BatonException.UsageExitCode, e.ExitCode);
        Assert.Empty(_files.Writes);
    }

    [Fact]
    public void A_name_that_could_leave_the_memories_folder_is_refused()
    {
        Assert.ThrowsAny<BatonException>(() => _roles.AddMemory("../x", "fact", Day));
        Assert.Empty(_files.Writes);
    }

    private sealed class NoRoles : IRoleCatalog
    {
        public Role GetRole(string name) => throw new InvalidOperationException("no role is read");

        public Directive GetDirective(string name) => throw new InvalidOperationException("no directive is read");

        public IReadOnlyList<string> RoleNames() => [];

        public IReadOnlyList<string> DirectiveNames() => [];
    }
}
