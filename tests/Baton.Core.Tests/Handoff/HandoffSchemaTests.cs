using Baton.Core.Handoff;
using Xunit;

namespace Baton.Core.Tests.Handoff;

public sealed class HandoffSchemaTests
{
    private const string Valid = """
        {"goal": "Add a login form", "progress_summary": "Form done, validation half done",
         "completed_work": ["form markup"], "current_work": "email validation",
         "decisions": ["no external validator"], "rejected_approaches": ["regex from SO: too lax"],
         "relevant_files": ["src/login.ts"], "tests": [{"name": "npm test", "result": "12 passed"}],
         "blockers": [], "next_steps": ["finish validation", "commit"]}
        """;

    [Fact]
    public void A_full_section_is_read_field_by_field()
    {
        var (section, errors) = HandoffSchema.Validate(Valid);

        Assert.Empty(errors);
        Assert.Equal("Add a login form", section!.Goal);
        Assert.Equal("email validation", section.CurrentWork);
        Assert.Equal(["finish validation", "commit"], section.NextSteps);
        Assert.Equal(new HandoffTestResult("npm test", "12 passed"), Assert.Single(section.Tests));
        Assert.Equal(["regex from SO: too lax"], section.RejectedApproaches);
    }

    [Fact]
    public void Only_goal_progress_and_next_steps_are_required()
    {
        var (section, errors) = HandoffSchema.Validate("""{"goal": "g", "progress_summary": "p", "next_steps": ["n"]}""");

        Assert.Empty(errors);
        Assert.Empty(section!.Decisions);
        Assert.Null(section.CurrentWork);
    }

    [Theory]
    [InlineData("not json at all", "not JSON")]
    [InlineData("[1, 2]", "$: must be an object, not a list")]
    [InlineData("""{"progress_summary": "p", "next_steps": ["n"]}""", "$.goal: required")]
    [InlineData("""{"goal": 3, "progress_summary": "p", "next_steps": ["n"]}""", "$.goal: must be a string, not a number")]
    [InlineData("""{"goal": "  ", "progress_summary": "p", "next_steps": ["n"]}""", "$.goal: must not be empty")]
    [InlineData("""{"goal": "g", "progress_summary": "p", "next_steps": []}""", "$.next_steps: must name at least one step")]
    [InlineData("""{"goal": "g", "progress_summary": "p", "next_steps": "do it"}""", "$.next_steps: must be a list of strings, not a string")]
    [InlineData("""{"goal": "g", "progress_summary": "p", "next_steps": ["ok", 4]}""", "$.next_steps[1]: must be a non-empty string, not a number")]
    [InlineData("""{"goal": "g", "progress_summary": "p", "next_steps": ["n"], "mood": "tired"}""", "$.mood: not a field of the section")]
    [InlineData("""{"goal": "g", "progress_summary": "p", "next_steps": ["n"], "tests": [{"name": "t"}]}""", "$.tests[0].result: required, a non-empty string")]
    [InlineData("""{"goal": "g", "progress_summary": "p", "next_steps": ["n"], "tests": ["t"]}""", "$.tests[0]: must be an object with \"name\" and \"result\", not a string")]
    [InlineData("""{"goal": "g", "progress_summary": "p", "next_steps": ["n"], "tests": [{"name": "t", "result": "ok", "time": 3}]}""", "$.tests[0].time: not a field of a test")]
    public void An_invalid_section_is_refused_with_an_error_naming_its_field(string json, string error)
    {
        var (section, errors) = HandoffSchema.Validate(json);

        Assert.Null(section);
        Assert.Contains(errors, e => e.StartsWith(error, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var (_, errors) = HandoffSchema.Validate("""{"goal": 1, "decisions": {}, "extra": true}""");

        Assert.Equal(["$.extra: not a field of the section (allowed: goal, progress_summary, current_work, completed_work, decisions, rejected_approaches, relevant_files, blockers, next_steps, tests)",
            "$.progress_summary: required", "$.next_steps: required", "$.goal: must be a string, not a number", "$.decisions: must be a list of strings, not an object"], errors);
    }

    [Fact]
    public void A_text_over_the_limit_is_refused()
    {
        var (_, errors) = HandoffSchema.Validate($$"""{"goal": "{{new string('x', HandoffSchema.MaxText + 1)}}", "progress_summary": "p", "next_steps": ["n"]}""");

        Assert.Equal($"$.goal: longer than {HandoffSchema.MaxText} characters ({HandoffSchema.MaxText + 1})", Assert.Single(errors));
    }

    [Fact]
    public void The_schema_text_is_json_naming_every_field_the_validator_reads()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(HandoffSchema.Text);
        var properties = doc.RootElement.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal);
        var required = doc.RootElement.GetProperty("required").EnumerateArray().Select(e => e.GetString());

        Assert.Equal(["blockers", "completed_work", "current_work", "decisions", "goal", "next_steps", "progress_summary", "rejected_approaches", "relevant_files", "tests"], properties);
        Assert.Equal(["goal", "progress_summary", "next_steps"], required);
    }
}
