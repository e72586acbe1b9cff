using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Baton.IntegrationTests.Support;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.Notify;

/// <summary>`baton notify` and the autopilot's notifications, through the real CLI, against receivers on 127.0.0.1.</summary>
public sealed class NotifyCliTests
{
    private const string Secret = "whsec-cli-test-secret-42";

    private static void Notify(TestRepo repo, string notify, string autopilot = "")
    {
        Configure(repo, autopilot);
        File.AppendAllText(Path.Combine(repo.Dir, ".baton", "config.yaml"), "notify:\n" + string.Concat(notify.Split('\n').Select(l => "  " + l + "\n")));
    }

    [Fact]
    public void Notify_test_reaches_every_channel_reports_a_refusal_and_records_both()
    {
        using var repo = new TestRepo();
        using var hook = new WebhookReceiver();
        using var smtp = new SmtpReceiver("baton", "right-password");
        repo.SetEnv("HOOK_SECRET", Secret);
        repo.SetEnv("MAIL_PASSWORD", "wrong-password");
        Notify(repo, $$"""
            channels:
              ops: {type: webhook, url: "{{hook.Url}}", secret_env: HOOK_SECRET}
              mail: {type: email, smtp_host: 127.0.0.1, smtp_port: {{smtp.Port}}, username: baton, password_env: MAIL_PASSWORD, from: baton@example.test, to: [dev@example.test], ca_file: "{{smtp.CertificateFile}}"}
            rules:
              people: {priority: urgent, channels: [ops, mail], escalate_after: 15m}
            """);

        var result = repo.Baton("notify", "test", "--json");

        Assert.Equal(1, result.ExitCode); // one channel refused
        using var json = JsonDocument.Parse(result.Stdout);
        var rows = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(["sent", "failed"], rows.Select(r => r.GetProperty("status").GetString()));
        Assert.Contains("535", rows[1].GetProperty("last_error").GetString(), StringComparison.Ordinal);
        var (headers, body, _) = Assert.Single(hook.Requests);
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(headers["X-Baton-Timestamp"] + "." + body)));
        Assert.Equal(expected, headers["X-Baton-Signature"]);
        Assert.Single(Events(repo, "notification_sent"));
        Assert.Single(Events(repo, "notification_failed"));
        var all = repo.Baton("events", "recent", "100", "--json").Ok().Stdout + repo.Baton("notify", "list").Ok().Stdout;
        Assert.DoesNotContain(Secret, all, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-password", all, StringComparison.Ordinal);
    }

    [Fact]
    public void A_worker_waiting_for_a_person_reaches_the_webhook_while_the_loop_runs_and_can_be_acknowledged()
    {
        using var repo = new TestRepo();
        using var hook = new WebhookReceiver();
        Notify(repo, $$"""
            channels:
              ops: {type: webhook, url: "{{hook.Url}}"}
            rules:
              people: {priority: urgent, channels: [ops]}
            """);
        var asks = Ticket(repo, "Asks a human", Work("T-1", "h.txt", "h", "@ask Delete the cache?"));
        using var loop = repo.StartBaton("up", "--plain");
        try
        {
            TestRepo.WaitUntil(() => Events(repo, "notification_sent").Count > 0, "the urgent notification to be delivered", 60);
            Assert.Equal(1, hook.Count);
            using var payload = JsonDocument.Parse(hook.Requests[^1].Body);
            Assert.Equal("needs_human", payload.RootElement.GetProperty("kind").GetString());
            Assert.Equal(asks, payload.RootElement.GetProperty("ticket").GetString());

            var id = repo.Baton("notify", "list", "--json").Ok().Json()[0].GetProperty("id").GetString()!;
            var acked = repo.Baton("notify", "ack", id, "--json").Ok().Json()[0];
            Assert.Equal("acked", acked.GetProperty("status").GetString());
            Assert.Equal("cli", acked.GetProperty("acked_by").GetString());
            repo.Baton("send", "t1-1", "y").Ok();
            TestRepo.WaitUntil(() => Status(repo, asks) == "done", "the ticket to finish", 40);
        }
        finally
        {
            repo.Baton("down");
        }
    }

    [Theory]
    [InlineData("channels:\n  ops: {type: pager}", "'type' is 'pager'; allowed values are slack, webhook, email")]
    [InlineData("channels:\n  chat: {type: slack}", "needs 'url_env'")]
    [InlineData("channels:\n  ops: {type: webhook, url: \"http://127.0.0.1:9/x\"}\nrules:\n  people: {priority: urgent, channels: [pager]}", "names channel 'pager', which notify.channels does not define (defined: ops)")]
    [InlineData("channels:\n  mail: {type: email, smtp_host: h, from: a@b.c, to: [d@e.f], username: u}", "no 'password_env'")]
    public void A_bad_notify_section_is_refused_with_file_line_and_what_to_do(string section, string message)
    {
        using var repo = new TestRepo();
        Notify(repo, section);

        var result = repo.Baton("notify", "test");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("config.yaml:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_input_to_notify_is_a_usage_error()
    {
        using var repo = new TestRepo();
        Configure(repo);

        Assert.Equal(2, repo.Baton("notify", "test").ExitCode); // no channels configured
        Assert.Equal(2, repo.Baton("notify", "ack", "N-x").ExitCode);
        Assert.Contains("no notification N-99", repo.Baton("notify", "ack", "N-99").Stderr, StringComparison.Ordinal);
        Assert.Equal(2, repo.Baton("notify", "list", "--status", "lost").ExitCode);
        Assert.Equal("[]", repo.Baton("notify", "list", "--json").Ok().Stdout.Trim());
    }
}
