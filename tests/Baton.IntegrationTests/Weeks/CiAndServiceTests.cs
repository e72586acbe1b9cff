using System.Text.Json;
using Baton.IntegrationTests.Support;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace Baton.IntegrationTests.Weeks;

/// <summary>`baton ci generate` (GitHub Actions for the feature workflow) and `baton service install` (a systemd unit for `baton up`).</summary>
public sealed class CiAndServiceTests : IDisposable
{
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private void Config(string ci = "  install: \"true\"\n") => File.WriteAllText(Path.Combine(_repo.Dir, ".baton", "config.yaml"),
        "gate:\n  commands: [\"echo everything\"]\n  roles:\n    implementor: [\"test -f unit.ok\", \"echo 'lint ok'\"]\n    overseer: [\"echo integration\"]\n"
        + (ci.Length > 0 ? "ci:\n" + ci : ""));

    private static YamlMappingNode Parse(string path)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(File.ReadAllText(path));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static YamlNode At(YamlNode node, params string[] keys) =>
        keys.Aggregate(node, (n, k) => int.TryParse(k, out var i) ? ((YamlSequenceNode)n).Children[i] : ((YamlMappingNode)n).Children[new YamlScalarNode(k)]);

    private static string Text(YamlNode node, params string[] keys) => ((YamlScalarNode)At(node, keys)).Value!;

    [Fact]
    public void Generated_workflows_parse_run_each_roles_gate_on_its_branches_and_check_conflicts_against_the_overseer()
    {
        Config();

        var json = _repo.Baton("ci", "generate", "--json").Ok().Json();

        Assert.True(json.GetProperty("conflicts_job").GetBoolean());
        var impl = Parse(Path.Combine(_repo.Dir, ".github", "workflows", "baton-implementor.yml"));
        var overseer = Parse(Path.Combine(_repo.Dir, ".github", "workflows", "baton-overseer.yml"));
        Assert.Equal("feature/*/impl-*", Text(impl, "on", "push", "branches", "0"));
        Assert.Equal("feature/*/impl-*", Text(impl, "on", "pull_request", "branches", "0"));
        Assert.Equal("feature/*/overseer", Text(overseer, "on", "push", "branches", "0"));
        var steps = (YamlSequenceNode)At(impl, "jobs", "gate", "steps");
        Assert.Equal(["test -f unit.ok\n", "echo 'lint ok'\n"], steps.Children.Skip(1).Select(s => Text(s, "run")).ToArray());
        Assert.Equal("echo integration\n", Text(overseer, "jobs", "gate", "steps", "1", "run"));
        Assert.Equal("true\n", Text(impl, "jobs", "conflicts", "steps", "1", "run"));
        Assert.Contains("--against \"feature/$feature/overseer\"", Text(overseer, "jobs", "conflicts", "steps", "2", "run"), StringComparison.Ordinal);

        // The conflicts step, run as a runner would: a fresh clone of the remote, on the pushed branch.
        var remote = Path.Combine(_repo.Dir, "..", Path.GetFileName(_repo.Dir) + "-remote.git");
        var runner = Path.Combine(_repo.Dir, "..", Path.GetFileName(_repo.Dir) + "-runner");
        try
        {
            _repo.Git("init", "-q", "--bare", remote);
            _repo.Git("branch", "feature/f1/overseer");
            foreach (var (branch, text) in new[] { ("feature/f1/impl-a", "a\n"), ("feature/f1/impl-b", "b\n"), ("feature/f1/impl-c", "c\n") })
            {
                _repo.Git("switch", "-q", "-c", branch, "feature/f1/overseer");
                File.WriteAllText(Path.Combine(_repo.Dir, branch.EndsWith('c') ? "other.txt" : "shared.txt"), text);
                _repo.Git("add", "-A");
                _repo.Git("commit", "-q", "-m", "work on " + branch);
            }

            _repo.Git("switch", "-q", "main");
            _repo.Git("push", "-q", remote, "main", "feature/f1/overseer", "feature/f1/impl-a", "feature/f1/impl-b", "feature/f1/impl-c");
            _repo.Git("clone", "-q", "--branch", "feature/f1/impl-a", remote, runner);
            var shim = Path.Combine(runner, "..", Path.GetFileName(runner) + "-bin");
            Directory.CreateDirectory(shim);
            File.WriteAllText(Path.Combine(shim, "baton"), "#!/bin/sh\nexec " + string.Join(' ', RepoPaths.Baton.Select(a => "'" + a + "'")) + " \"$@\"\n");
            File.SetUnixFileMode(Path.Combine(shim, "baton"), (UnixFileMode)0b111_101_101);
            var env = new Dictionary<string, string>
            {
                ["BRANCH"] = "feature/f1/impl-a",
                ["PATH"] = shim + ":" + Environment.GetEnvironmentVariable("PATH"),
                ["BATON_TMUX_SOCKET"] = _repo.Socket,
            };

            var run = TestRepo.Run("bash", ["-eo", "pipefail", "-c", Text(impl, "jobs", "conflicts", "steps", "2", "run")], runner, null, env, TimeSpan.FromSeconds(90));

            Assert.True(run.ExitCode == 1, run.Stdout + run.Stderr);
            Assert.Contains("feature/f1/impl-a", run.Stdout, StringComparison.Ordinal);
            Assert.Contains("feature/f1/impl-b", run.Stdout, StringComparison.Ordinal);
            Assert.Contains("shared.txt", run.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("other.txt", run.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var dir in new[] { remote, runner, runner + "-bin" })
            {
                if (Directory.Exists(dir))
                {
                    Directory.Delete(dir, recursive: true);
                }
            }
        }
    }

    [Fact]
    public void Without_ci_install_there_is_no_conflicts_job_and_a_hand_written_workflow_is_not_overwritten()
    {
        Config(ci: "");

        var out1 = _repo.Baton("ci", "generate").Ok().Stdout;
        Assert.Contains("no conflicts job: set ci.install", out1, StringComparison.Ordinal);
        var impl = Parse(Path.Combine(_repo.Dir, ".github", "workflows", "baton-implementor.yml"));
        Assert.False(((YamlMappingNode)At(impl, "jobs")).Children.ContainsKey(new YamlScalarNode("conflicts")));
        _repo.Baton("ci", "generate").Ok(); // its own files are regenerated

        File.WriteAllText(Path.Combine(_repo.Dir, ".github", "workflows", "baton-overseer.yml"), "name: mine\n");
        var refused = _repo.Baton("ci", "generate");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("was not written by `baton ci generate`", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal("name: mine\n", File.ReadAllText(Path.Combine(_repo.Dir, ".github", "workflows", "baton-overseer.yml")));
        _repo.Baton("ci", "generate", "--force").Ok();
        Assert.Equal(2, _repo.Baton("ci", "generate", "--provider", "gitlab").ExitCode);
    }

    [Fact]
    public void A_bad_gate_roles_entry_is_refused_with_the_line()
    {
        File.WriteAllText(Path.Combine(_repo.Dir, ".baton", "config.yaml"), "gate:\n  roles:\n    implementor: []\n");

        var r = _repo.Baton("ci", "generate");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("'gate.roles.implementor' must be a list of commands", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("config.yaml:3:", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void The_service_unit_names_this_repository_runs_baton_up_and_passes_systemd_analyze()
    {
        var units = Path.Combine(_repo.Dir, "..", Path.GetFileName(_repo.Dir) + "-units");
        try
        {
            var json = _repo.Baton("service", "install", "--user", "--unit-dir", units, "--json").Ok().Json();

            var escaped = TestRepo.Run("systemd-escape", ["--path", _repo.Dir], _repo.Dir, null, new Dictionary<string, string>(), TimeSpan.FromSeconds(10));
            if (escaped.ExitCode == 0)
            {
                Assert.Equal("baton@" + escaped.Stdout.Trim() + ".service", json.GetProperty("instance").GetString());
            }

            var text = File.ReadAllText(json.GetProperty("unit").GetString()!);
            Assert.StartsWith("# Generated by `baton service install`", text, StringComparison.Ordinal);
            Assert.Contains("WorkingDirectory=/%I", text, StringComparison.Ordinal);
            Assert.Contains(" up --plain", text, StringComparison.Ordinal);
            Assert.Contains("KillMode=process", text, StringComparison.Ordinal);
            Assert.Contains("WantedBy=default.target", text, StringComparison.Ordinal);

            // systemd-analyze checks an instance of the template (its system manager works without a running systemd).
            var instance = Path.Combine(units, json.GetProperty("instance").GetString()!);
            File.Copy(json.GetProperty("unit").GetString()!, instance);
            var verify = TestRepo.Run("systemd-analyze", ["verify", instance], units, null, new Dictionary<string, string>(), TimeSpan.FromSeconds(30));
            if (verify.ExitCode != 127)
            {
                Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
            }

            var plain = _repo.Baton("service", "install", "--user", "--unit-dir", units).Ok().Stdout;
            Assert.Contains("systemctl --user daemon-reload && systemctl --user enable --now", plain, StringComparison.Ordinal);
            Assert.Contains("journalctl --user -u", plain, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(units))
            {
                Directory.Delete(units, recursive: true);
            }
        }
    }
}
