using Baton.Core.Planning;
using Xunit;

namespace Baton.Core.Tests.Planning;

public sealed class PlanAnswerTests
{
    [Fact]
    public void The_last_plan_in_plain_text_wins()
    {
        var output = "● Planning {not json}\n● {\"tickets\": [{\"key\": \"a\"}]}\nthinking again\n```json\n{\"tickets\": [{\"key\": \"b\", \"title\": \"}\"}]}\n```\n✓ done";
        Assert.Equal("{\"tickets\": [{\"key\": \"b\", \"title\": \"}\"}]}", PlanAnswer.Extract(output));
    }

    [Fact]
    public void A_plan_inside_a_stream_json_result_is_found()
    {
        var output = """
            {"type":"system","subtype":"init","model":"x"}
            {"type":"assistant","message":{"content":[{"type":"text","text":"Reading the code"}]}}
            {"type":"result","subtype":"success","result":"Here is the plan:\n```json\n{\"tickets\": [{\"key\": \"api\"}]}\n```"}
            """;
        Assert.Equal("{\"tickets\": [{\"key\": \"api\"}]}", PlanAnswer.Extract(output));
    }

    [Fact]
    public void No_object_with_tickets_is_no_answer()
    {
        Assert.Null(PlanAnswer.Extract("{\"plan\": []} and {broken"));
    }
}
