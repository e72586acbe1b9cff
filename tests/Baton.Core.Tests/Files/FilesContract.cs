using Baton.Core.Files;
using Xunit;

namespace Baton.Core.Tests.Files;

/// <summary>
/// What every <see cref="IFiles"/> does, run against the in-memory fake here and against the disk
/// in the integration tests (this file is linked there), so the fake cannot drift from the real thing.
/// </summary>
public abstract class FilesContract
{
    protected abstract IFiles Files { get; }

    /// <summary>An existing, empty folder the test may use.</summary>
    protected abstract string Root { get; }

    private string At(params string[] parts) => Path.Combine([Root, .. parts]);

    [Fact]
    public void A_written_file_reads_back_and_its_folder_is_created()
    {
        Files.WriteText(At("a", "b", "page.md"), "hello\n");

        Assert.Equal("hello\n", Files.ReadText(At("a", "b", "page.md")));
        Assert.True(Files.DirectoryExists(At("a", "b")));
        Assert.True(Files.FileExists(At("a", "b", "page.md")));
        Assert.False(Files.FileExists(At("a", "b")));
    }

    [Fact]
    public void A_rewrite_replaces_the_whole_file_and_leaves_no_temporary_file()
    {
        Files.WriteText(At("r.json"), "a much longer first version");
        Files.WriteText(At("r.json"), "short");

        Assert.Equal("short", Files.ReadText(At("r.json")));
        Assert.Equal(["r.json"], Files.ListFiles(Root, "*").Select(f => f.Name));
    }

    [Fact]
    public void Append_creates_the_file_and_its_folder_then_adds_to_it()
    {
        Files.AppendText(At("m", "x.md"), "one\n");
        Files.AppendText(At("m", "x.md"), "two\n");

        Assert.Equal("one\ntwo\n", Files.ReadText(At("m", "x.md")));
    }

    [Fact]
    public void A_missing_file_throws_file_not_found_and_a_missing_folder_directory_not_found()
    {
        Assert.Throws<FileNotFoundException>(() => Files.ReadText(At("none.md")));
        Assert.Throws<DirectoryNotFoundException>(() => Files.ReadText(At("no-folder", "none.md")));
        Assert.Throws<DirectoryNotFoundException>(() => Files.ListFiles(At("no-folder"), "*"));
        Assert.Throws<DirectoryNotFoundException>(() => Files.DeleteDirectory(At("no-folder")));
        Assert.Throws<DirectoryNotFoundException>(() => Files.DeleteFile(At("no-folder", "none.md")));
    }

    [Fact]
    public void A_listing_holds_the_matching_files_of_the_folder_only()
    {
        Files.WriteText(At("in", "1.json"), "{}");
        Files.WriteText(At("in", "2.json"), "{}");
        Files.WriteText(At("in", "notes.txt"), "");
        Files.WriteText(At("in", "processed", "0.json"), "{}");

        var names = Files.ListFiles(At("in"), "*.json").Select(f => f.Name).Order(StringComparer.Ordinal);

        Assert.Equal(["1.json", "2.json"], names);
        Assert.Equal(At("in", "1.json"), Files.ListFiles(At("in"), "1.*").Single().Path);
    }

    [Fact]
    public void Subfolders_are_listed_by_pattern_with_their_full_paths()
    {
        Files.CreateDirectory(At("w", "_merge-1"));
        Files.CreateDirectory(At("w", "_merge-2", "deep"));
        Files.CreateDirectory(At("w", "T-3"));
        Files.WriteText(At("w", "_merge-file"), "");

        var dirs = Files.ListDirectories(At("w"), "_merge-*").Order(StringComparer.Ordinal);

        Assert.Equal([At("w", "_merge-1"), At("w", "_merge-2")], dirs);
    }

    [Fact]
    public void A_move_needs_the_target_folder_and_replaces_a_target_only_when_told()
    {
        Files.WriteText(At("a.json"), "a");
        Files.WriteText(At("b.json"), "b");

        Assert.Throws<DirectoryNotFoundException>(() => Files.Move(At("a.json"), At("missing", "a.json")));
        Assert.Throws<IOException>(() => Files.Move(At("a.json"), At("b.json")));
        Assert.Throws<FileNotFoundException>(() => Files.Move(At("gone.json"), At("c.json")));

        Files.Move(At("a.json"), At("b.json"), overwrite: true);

        Assert.False(Files.FileExists(At("a.json")));
        Assert.Equal("a", Files.ReadText(At("b.json")));
    }

    [Fact]
    public void A_moved_file_keeps_its_time()
    {
        Files.WriteText(At("t.json"), "x");
        var before = Files.ListFiles(Root, "t.json").Single().LastWriteUtc;
        Files.CreateDirectory(At("done"));

        Files.Move(At("t.json"), At("done", "t.json"));

        Assert.Equal(before, Files.ListFiles(At("done"), "*").Single().LastWriteUtc);
    }

    [Fact]
    public void Deleting_a_missing_file_does_nothing_and_a_folder_goes_with_everything_in_it()
    {
        Files.DeleteFile(At("never.md"));
        Files.WriteText(At("s", "a", "f.txt"), "x");
        Files.CreateDirectory(At("s", "b"));

        Files.DeleteDirectory(At("s"));

        Assert.False(Files.DirectoryExists(At("s")));
        Assert.False(Files.DirectoryExists(At("s", "b")));
        Assert.False(Files.FileExists(At("s", "a", "f.txt")));
        Assert.True(Files.DirectoryExists(Root));
    }

    [Fact]
    public void The_tail_is_the_last_bytes_or_the_whole_of_a_short_file()
    {
        Files.WriteText(At("log"), "line 1\nline 2\nline 3\n");

        Assert.Equal("line 3\n", Files.ReadTail(At("log"), 7));
        Assert.Equal("line 1\nline 2\nline 3\n", Files.ReadTail(At("log"), 4096));
        Assert.Throws<FileNotFoundException>(() => Files.ReadTail(At("no-log"), 10));
    }

    [Fact]
    public void Creating_an_existing_folder_does_nothing_and_a_file_cannot_become_a_folder()
    {
        Files.CreateDirectory(At("d"));
        Files.CreateDirectory(At("d"));
        Files.WriteText(At("f"), "x");

        Assert.True(Files.DirectoryExists(At("d")));
        Assert.Throws<IOException>(() => Files.CreateDirectory(At("f")));
    }
}
