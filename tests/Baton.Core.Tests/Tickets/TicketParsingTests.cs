using Baton.Core.Tickets;
using Xunit;

namespace Baton.Core.Tests.Tickets;

public sealed class TicketParsingTests
{
    [Theory]
    [InlineData("open", TicketStatus.Open)]
    [InlineData("Queued", TicketStatus.Queued)]
    [InlineData("in-progress", TicketStatus.InProgress)]
    [InlineData("IN_PROGRESS", TicketStatus.InProgress)]
    [InlineData("in progress", TicketStatus.InProgress)]
    [InlineData("InProgress", TicketStatus.InProgress)]
    [InlineData(" testing ", TicketStatus.Testing)]
    [InlineData("review", TicketStatus.Review)]
    [InlineData("pr-ready", TicketStatus.Review)]
    [InlineData("PR_READY", TicketStatus.Review)]
    [InlineData("done", TicketStatus.Done)]
    [InlineData("completed", TicketStatus.Done)]
    [InlineData("blocked", TicketStatus.Blocked)]
    [InlineData("failed", TicketStatus.Failed)]
    [InlineData("cancelled", TicketStatus.Cancelled)]
    public void A_status_is_read_by_name_or_alias(string text, TicketStatus expected)
    {
        Assert.Equal(expected, TicketStatuses.Parse(text));
    }

    [Theory]
    [MemberData(nameof(Statuses))]
    public void Every_status_reads_back_from_its_text(TicketStatus status)
    {
        Assert.Equal(status, TicketStatuses.Parse(status.ToText()));
    }

    public static TheoryData<TicketStatus> Statuses => new(TicketStatuses.All);

    [Theory]
    [InlineData("")]
    [InlineData("finished")]
    [InlineData("canceled")]
    [InlineData("-1")]
    public void An_unknown_status_is_a_usage_error_listing_the_choices(string text)
    {
        var error = Assert.Throws<BatonException>(() => TicketStatuses.Parse(text));

        Assert.Equal(BatonException.UsageExitCode, error.ExitCode);
        Assert.Contains($"'{text}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("open, queued, in-progress, testing, review, done, blocked, failed, cancelled", error.Message, StringComparison.Ordinal);
        Assert.Contains("completed, pr-ready", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("critical", Priority.Critical)]
    [InlineData("P0", Priority.Critical)]
    [InlineData("High", Priority.High)]
    [InlineData("p1", Priority.High)]
    [InlineData("medium", Priority.Medium)]
    [InlineData("normal", Priority.Medium)]
    [InlineData("p2", Priority.Medium)]
    [InlineData(" low ", Priority.Low)]
    [InlineData("p3", Priority.Low)]
    public void A_priority_is_read_by_name_or_p_number(string text, Priority expected)
    {
        Assert.Equal(expected, Priorities.Parse(text));
    }

    [Fact]
    public void An_unknown_priority_is_a_usage_error()
    {
        var error = Assert.Throws<BatonException>(() => Priorities.Parse("urgent"));

        Assert.Equal(BatonException.UsageExitCode, error.ExitCode);
        Assert.Contains("critical, high, medium or low", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("T-12")]
    [InlineData("t-12")]
    [InlineData("12")]
    [InlineData(" T-12 ")]
    public void A_ticket_id_is_read_with_or_without_its_prefix(string text)
    {
        Assert.Equal(12, TicketId.Parse(text));
        Assert.Equal("T-12", TicketId.Normalize(text));
    }

    [Theory]
    [InlineData("T-0")]
    [InlineData("0")]
    [InlineData("x")]
    [InlineData("-3")]
    [InlineData("T--3")]
    [InlineData("T-")]
    [InlineData("")]
    [InlineData("1.5")]
    public void A_malformed_ticket_id_is_a_usage_error(string text)
    {
        var error = Assert.Throws<BatonException>(() => TicketId.Parse(text));

        Assert.Equal(BatonException.UsageExitCode, error.ExitCode);
        Assert.Contains("write T-12 or 12", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_ticket_id_is_written_with_its_prefix()
    {
        Assert.Equal("T-1", TicketId.Format(1));
        Assert.Equal("T-12345", TicketId.Format(12345));
    }
}
