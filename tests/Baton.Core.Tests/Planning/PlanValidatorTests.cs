using Baton.Core.Planning;
using Xunit;

namespace Baton.Core.Tests.Planning;

public sealed class PlanValidatorTests
{
    private static readonly HashSet<string> Roles = ["implementor", "worker"];

    private static IReadOnlyList<PlanError> Check(string json, Func<long, bool>? exists = null)
    {
        var (graph, errors) = PlanParser.Parse(json);
        return graph is null ? errors : errors.Concat(PlanValidator.Validate(graph, Roles.Contains, exists)).ToList();
    }

    private static string T(string key, string deps = "", string paths = "", string title = "A ticket", string extra = "", string acceptance = "\"tests pass\"") =>
        $"{{\"key\": \"{key}\", \"title\": \"{title}\", \"depends_on\": [{deps}], \"paths\": [{paths}], \"acceptance\": [{acceptance}]{extra}}}";

    private static string Plan(params string[] tickets) => "{\"tickets\": [" + string.Join(",", tickets) + "]}";

    [Fact]
    public void A_sound_graph_has_no_errors()
    {
        var errors = Check(Plan(
            T("model", paths: "\"src/model/**\""),
            T("api", "\"model\"", "\"src/api/**\", \"src/model/goal.cs\""),
            T("ui", "\"model\"", "\"ui/**\"", extra: ", \"role\": \"implementor\", \"speciality\": \"frontend\", \"priority\": \"high\"")));
        Assert.Empty(errors);
    }

    [Fact]
    public void An_unknown_dependency_is_reported_where_it_is_named()
    {
        var errors = Check(Plan(T("model"), T("ui", "\"model\""), T("docs", "\"api\"")));
        var e = Assert.Single(errors);
        Assert.Equal(PlanErrorKinds.UnknownDependency, e.Kind);
        Assert.Equal("$.tickets[2].depends_on[0]: unknown ticket \"api\" (the plan's keys: \"model\", \"ui\", \"docs\")", e.ToString());
    }

    [Fact]
    public void An_existing_ticket_may_be_depended_on_and_a_missing_one_may_not()
    {
        Assert.Empty(Check(Plan(T("a", "\"T-7\"")), n => n == 7));
        var e = Assert.Single(Check(Plan(T("a", "\"T-8\"")), n => n == 7));
        Assert.Equal("$.tickets[0].depends_on[0]: unknown ticket \"T-8\": no such ticket in the store", e.ToString());
    }

    [Fact]
    public void A_cycle_is_reported_once_at_the_dependency_that_closes_it()
    {
        var errors = Check(Plan(T("a", "\"c\""), T("b", "\"a\""), T("c", "\"b\""), T("d")));
        var e = Assert.Single(errors);
        Assert.Equal(PlanErrorKinds.Cycle, e.Kind);
        Assert.Equal("$.tickets[1].depends_on[0]", e.Location);
        Assert.Contains("a -> c -> b -> a", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_ticket_depending_on_itself_is_named()
    {
        var e = Assert.Single(Check(Plan(T("a", "\"a\""))));
        Assert.Equal(PlanErrorKinds.SelfDependency, e.Kind);
        Assert.Equal("$.tickets[0].depends_on[0]", e.Location);
    }

    [Fact]
    public void Empty_and_multi_line_titles_are_refused()
    {
        var errors = Check(Plan(T("a", title: "  "), T("b", title: "first\\nsecond")));
        Assert.Equal([PlanErrorKinds.EmptyTitle, PlanErrorKinds.MultiLineTitle], errors.Select(e => e.Kind));
        Assert.Equal(["$.tickets[0].title", "$.tickets[1].title"], errors.Select(e => e.Location));
    }

    [Fact]
    public void Every_ticket_needs_an_acceptance_check()
    {
        var errors = Check(Plan(T("a", acceptance: ""), T("b", acceptance: "\"ok\", \" \"")));
        Assert.Equal(["$.tickets[0].acceptance", "$.tickets[1].acceptance[1]"], errors.Select(e => e.Location));
        Assert.All(errors, e => Assert.Equal(PlanErrorKinds.MissingAcceptance, e.Kind));
    }

    [Fact]
    public void Parallel_tickets_whose_paths_overlap_are_reported_with_both_places()
    {
        var errors = Check(Plan(T("model", paths: "\"docs/*.md\", \"src/**\""), T("api", paths: "\"src/api/**\"")));
        var e = Assert.Single(errors);
        Assert.Equal(PlanErrorKinds.Overlap, e.Kind);
        Assert.Equal("$.tickets[1].paths[0]", e.Location);
        Assert.Contains("\"src/api/**\" overlaps \"src/**\" of ticket \"model\" ($.tickets[0].paths[1])", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Overlap_is_fine_along_a_dependency_path_even_through_another_ticket()
    {
        Assert.Empty(Check(Plan(T("model", paths: "\"src/**\""), T("api", "\"model\"", "\"src/api/**\""), T("ui", "\"api\"", "\"src/**/*.cs\""))));
    }

    [Fact]
    public void Siblings_under_one_parent_still_may_not_overlap()
    {
        var e = Assert.Single(Check(Plan(T("model"), T("api", "\"model\"", "\"src/**/*.cs\""), T("ui", "\"model\"", "\"src/ui/view.cs\""))));
        Assert.Equal("$.tickets[2].paths[0]", e.Location);
    }

    [Fact]
    public void Keys_roles_priorities_labels_and_paths_are_checked()
    {
        var errors = Check(Plan(
            T("a", paths: "\"/etc/passwd\", \"../up\"", extra: ", \"role\": \"wizard\", \"priority\": \"soon\", \"labels\": [\"bad label\"], \"speciality\": \"two words\""),
            T("a"),
            T("T-3"),
            T("")));
        Assert.Equal(
        [
            (PlanErrorKinds.UnknownRole, "$.tickets[0].role"),
            (PlanErrorKinds.InvalidValue, "$.tickets[0].priority"),
            (PlanErrorKinds.InvalidValue, "$.tickets[0].speciality"),
            (PlanErrorKinds.InvalidValue, "$.tickets[0].labels[0]"),
            (PlanErrorKinds.InvalidPath, "$.tickets[0].paths[0]"),
            (PlanErrorKinds.InvalidPath, "$.tickets[0].paths[1]"),
            (PlanErrorKinds.DuplicateKey, "$.tickets[1].key"),
            (PlanErrorKinds.InvalidValue, "$.tickets[2].key"),
            (PlanErrorKinds.MissingKey, "$.tickets[3].key"),
        ], errors.Select(e => (e.Kind, e.Location)));
    }

    [Fact]
    public void Wrong_types_and_unknown_fields_are_reported_at_their_paths()
    {
        var errors = Check("{\"tickets\": [{\"key\": \"a\", \"title\": 3, \"dependencies\": [\"b\"], \"depends_on\": \"b\", \"acceptance\": [\"ok\", 2]}], \"extra\": 1}");
        Assert.Equal(
        [
            (PlanErrorKinds.UnknownField, "$.extra"),
            (PlanErrorKinds.UnknownField, "$.tickets[0].dependencies"),
            (PlanErrorKinds.WrongType, "$.tickets[0].title"),
            (PlanErrorKinds.WrongType, "$.tickets[0].depends_on"),
            (PlanErrorKinds.WrongType, "$.tickets[0].acceptance[1]"),
            (PlanErrorKinds.EmptyTitle, "$.tickets[0].title"),
            (PlanErrorKinds.MissingAcceptance, "$.tickets[0].acceptance[1]"),
        ], errors.Select(e => (e.Kind, e.Location)));
    }

    [Theory]
    [InlineData("not json", PlanErrorKinds.InvalidJson, "$")]
    [InlineData("[1]", PlanErrorKinds.WrongType, "$")]
    [InlineData("{\"summary\": \"x\"}", PlanErrorKinds.WrongType, "$.tickets")]
    [InlineData("{\"tickets\": []}", PlanErrorKinds.NoGraph, "$.tickets")]
    public void A_plan_that_is_not_a_graph_says_why(string json, string kind, string location)
    {
        var e = Assert.Single(Check(json));
        Assert.Equal((kind, location), (e.Kind, e.Location));
    }

    [Fact]
    public void Layers_follow_dependency_depth_in_plan_order()
    {
        var (graph, _) = PlanParser.Parse(Plan(T("ui", "\"api\""), T("model"), T("api", "\"model\""), T("docs")));
        Assert.Equal([[1, 3], [2], [0]], PlanLayers.Of(graph!).Select(l => l.ToArray()));
    }
}
