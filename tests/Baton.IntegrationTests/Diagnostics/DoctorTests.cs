using System.Text.Json;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Diagnostics;

/// <summary>`baton doctor` with real tmux, git and store, and fake agent binaries on a PATH the test controls.</summary>
public sealed class DoctorTests : IDisposable
{
    private readonly TestRepo _repo = new();
    private readonly string _bin;

    public DoctorTests()
    {
        _bin = Path.Combine(Path.GetTempPath(), "baton-doctor-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(_bin);
    }

    public void Dispose()
    {
        _repo.Dispose();
        Directory.Delete(_bin, recursive: true);
    }

    [Fact]
    public void A_machine_with_tmux_git_and_a_known_good_default_agent_is_ready()
    {
        Link("tmux", "git");
        Script("claude", "2.1.330 (Claude Code)");
        Script("codex", "codex-cli 0.1.0");
        _repo.SetEnv("PATH", _bin);

        var result = _repo.Baton("doctor", "--json");
        var checks = Checks(result);

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.Equal("ok", checks["tmux"].GetProperty("status").GetString());
        Assert.Equal("ok", checks["git"].GetProperty("status").GetString());
        Assert.Equal("ok", checks["store"].GetProperty("status").GetString());
        Assert.Contains("2.1.330 (known good)", checks["agent claude (default)"].GetProperty("detail").GetString(), StringComparison.Ordinal);
        var codex = checks["agent codex"];
        Assert.Equal("warn", codex.GetProperty("status").GetString());
        Assert.Contains("0.169.0", codex.GetProperty("fix").GetString(), StringComparison.Ordinal);
        Assert.Equal("warn", checks["agent aider"].GetProperty("status").GetString()); // not installed, not the default
    }

    [Fact]
    public void Missing_tmux_and_a_missing_default_agent_fail_with_what_to_do()
    {
        Link("git");
        _repo.SetEnv("PATH", _bin);

        var result = _repo.Baton("doctor");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("fail  tmux", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("install tmux", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("fail  agent claude (default)", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("2 problems to fix", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Outside_a_repository_the_doctor_still_checks_the_machine_and_says_to_init()
    {
        Link("tmux", "git");
        Script("claude", "2.1.197 (Claude Code)");
        var outside = Path.Combine(_bin, "elsewhere");
        Directory.CreateDirectory(outside);
        _repo.SetEnv("PATH", _bin);

        var result = _repo.BatonIn(outside, null, "doctor", "--json");

        Assert.Equal(0, result.ExitCode);
        var store = Checks(result)["store"];
        Assert.Equal("warn", store.GetProperty("status").GetString());
        Assert.Contains("baton init", store.GetProperty("fix").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_store_written_by_a_newer_baton_fails()
    {
        Link("tmux", "git");
        Script("claude", "2.1.330");
        _repo.SetEnv("PATH", _bin);
        using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_repo.Dir, ".baton", "baton.db")};Pooling=False"))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "PRAGMA user_version = 999";
            cmd.ExecuteNonQuery();
        }

        var result = _repo.Baton("doctor", "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("newer than this Baton", Checks(result)["store"].GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static Dictionary<string, JsonElement> Checks(CliResult result) =>
        result.Json().GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c);

    private void Link(params string[] tools)
    {
        foreach (var tool in tools)
        {
            var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, tool)).First(File.Exists);
            File.CreateSymbolicLink(Path.Combine(_bin, tool), path);
        }
    }

    private void Script(string name, string version)
    {
        var file = Path.Combine(_bin, name);
        File.WriteAllText(file, $"#!/bin/sh\necho '{version}'\n");
        File.SetUnixFileMode(file, (UnixFileMode)0b111_101_101);
    }
}
