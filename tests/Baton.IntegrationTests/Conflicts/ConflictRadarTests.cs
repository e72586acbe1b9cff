using System.Text.Json;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Conflicts;

/// <summary>`baton conflicts` on crafted branches of a real repository: what is skipped, what is predicted, what resolves.</summary>
public sealed class ConflictRadarTests : IDisposable
{
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void Predicts_real_conflicts_skips_pairs_that_cannot_conflict_and_resolves_them_when_they_go_away()
    {
        // Given: main with four files, and five ticket branches:
        //   x and w change the same line of a.txt (a real conflict between live branches),
        //   z changes a.txt far away from that line (overlapping paths, merges cleanly),
        //   y changes only b.txt (no overlap with anyone),
        //   v changes c.txt, which main changes too after v branched (a conflict against the target).
        WriteLines("a.txt", 20, "a");
        WriteLines("b.txt", 20, "b");
        WriteLines("c.txt", 20, "c");
        Commit("base files");
        Branch("x", "a.txt", 1, "x was here");
        Branch("w", "a.txt", 1, "w was here");
        Branch("z", "a.txt", 18, "z was here");
        Branch("y", "b.txt", 1, "y was here");
        Branch("v", "c.txt", 1, "v was here");
        ChangeLine("c.txt", 1, "main moved on");
        Commit("main changes c.txt");
        foreach (var b in new[] { "x", "w", "z", "y", "v" })
        {
            var id = _repo.Baton("ticket", "create", "work on " + b, "--json").Ok().Json().GetProperty("id").GetString()!;
            _repo.Baton("ticket", "update", id, "--branch", b).Ok();
        }

        // When
        var first = _repo.Baton("conflicts", "--json");

        // Then: exit 1, the two real conflicts with their severity, and only overlapping pairs merged.
        Assert.Equal(1, first.ExitCode);
        var json = first.Json();
        var conflicts = Conflicts(json);
        Assert.Equal(["critical v main c.txt", "warning x w a.txt"], conflicts);
        Assert.Equal(15, json.GetProperty("pairs").GetInt32()); // 10 between branches + 5 against main
        Assert.Equal(4, json.GetProperty("merge_trees").GetInt32()); // x-w, x-z, w-z (a.txt) and v-main (c.txt)
        Assert.Equal(11, json.GetProperty("skipped").GetInt32());
        Assert.Equal(2, json.GetProperty("detected").GetInt32());
        Assert.Equal(2, Events("conflict_detected").Count);
        var order = json.GetProperty("suggested_order").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(5, order.Count);
        Assert.True(Math.Abs(order.IndexOf("x") - order.IndexOf("w")) >= 1);

        // A second look finds the same: nothing new is recorded.
        var again = _repo.Baton("conflicts", "--json");
        Assert.Equal(1, again.ExitCode);
        Assert.Equal(0, again.Json().GetProperty("detected").GetInt32());
        Assert.Equal(2, Events("conflict_detected").Count);

        // When w takes x's version of the line, and v merges main and resolves in main's favour...
        _repo.Git("checkout", "-q", "w");
        _repo.Git("checkout", "x", "--", "a.txt");
        Commit("w agrees with x");
        _repo.Git("checkout", "-q", "v");
        TestRepo.Run("git", ["-C", _repo.Dir, "merge", "-q", "main"], _repo.Dir, null, new Dictionary<string, string>(), TimeSpan.FromSeconds(30)); // conflicts: resolved below
        _repo.Git("checkout", "--theirs", "c.txt");
        _repo.Git("add", "c.txt");
        _repo.Git("commit", "-q", "--no-edit");
        _repo.Git("checkout", "-q", "main");

        // Then both conflicts resolve, with their events, and the exit code says all clear.
        var clear = _repo.Baton("conflicts", "--json");
        Assert.Equal(0, clear.ExitCode);
        Assert.Empty(Conflicts(clear.Json()));
        Assert.Equal(2, clear.Json().GetProperty("resolved").GetInt32());
        Assert.Equal(2, Events("conflict_resolved").Count);
        Assert.Contains("No conflicts predicted", _repo.Baton("conflicts").Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Feature_branches_are_live_and_the_text_report_names_tickets_files_and_an_order()
    {
        WriteLines("a.txt", 5, "a");
        Commit("base");
        _repo.Baton("feature", "init", "003-goals", "--implementors", "data,api").Ok();
        _repo.Git("checkout", "-q", "feature/003-goals/impl-data");
        ChangeLine("a.txt", 2, "data");
        Commit("data");
        _repo.Git("checkout", "-q", "feature/003-goals/impl-api");
        ChangeLine("a.txt", 2, "api");
        Commit("api");
        _repo.Git("checkout", "-q", "main");

        var text = _repo.Baton("conflicts", "--feature", "003-goals");

        Assert.Equal(1, text.ExitCode);
        Assert.Contains("warning", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("feature/003-goals/impl-api", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("a.txt", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("Suggested merge order", text.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, _repo.Baton("conflicts", "--feature", "nope").ExitCode);
    }

    [Fact]
    public void Extra_branches_by_pattern_and_a_deleted_branch_is_left_out()
    {
        WriteLines("a.txt", 5, "a");
        Commit("base");
        Branch("release/1", "a.txt", 1, "one");
        Branch("release/2", "a.txt", 1, "two");
        var id = _repo.Baton("ticket", "create", "gone", "--json").Ok().Json().GetProperty("id").GetString()!;
        _repo.Baton("ticket", "update", id, "--branch", "deleted-by-hand").Ok();

        var r = _repo.Baton("conflicts", "--branch", "release/*", "--json");

        Assert.Equal(1, r.ExitCode);
        Assert.Equal(["warning release/1 release/2 a.txt"], Conflicts(r.Json()));
        Assert.Equal(["deleted-by-hand"], r.Json().GetProperty("missing").EnumerateArray().Select(e => e.GetString()!).ToList());
        Assert.Equal(2, _repo.Baton("ticket", "update", id, "--branch", "bad..name").ExitCode);
    }

    private static List<string> Conflicts(JsonElement json) =>
        json.GetProperty("conflicts").EnumerateArray()
            .Select(c => $"{c.GetProperty("severity").GetString()} {c.GetProperty("branch_a").GetString()} {c.GetProperty("branch_b").GetString()} {string.Join(",", c.GetProperty("files").EnumerateArray().Select(f => f.GetString()))}")
            .Order(StringComparer.Ordinal).ToList();

    private List<JsonElement> Events(string type) =>
        _repo.Baton("events", "recent", "500", "--type", type, "--json").Ok().Json().EnumerateArray().ToList();

    private void Branch(string name, string file, int line, string text)
    {
        _repo.Git("checkout", "-q", "-b", name, "main");
        ChangeLine(file, line, text);
        Commit($"{name}: {file}");
        _repo.Git("checkout", "-q", "main");
    }

    private void WriteLines(string file, int count, string prefix) =>
        File.WriteAllLines(Path.Combine(_repo.Dir, file), Enumerable.Range(1, count).Select(i => $"{prefix} line {i}"));

    private void ChangeLine(string file, int line, string text)
    {
        var path = Path.Combine(_repo.Dir, file);
        var lines = File.ReadAllLines(path);
        lines[line - 1] = text;
        File.WriteAllLines(path, lines);
    }

    private void Commit(string message)
    {
        _repo.Git("add", "-A");
        _repo.Git("commit", "-q", "-m", message);
    }
}
