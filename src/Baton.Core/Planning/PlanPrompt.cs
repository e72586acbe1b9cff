namespace Baton.Core.Planning;

/// <summary>What the planning agent is asked: the request, and on a repair round its answer and what was wrong with it.</summary>
public static class PlanPrompt
{
    /// <summary>The request first: its first line is what a log or screen shows of the task (and a scripted agent's actions stay at line starts).</summary>
    public static string First(string request, string schemaFile) =>
        request.Trim() + "\n\n---\n" + Instructions(schemaFile);

    /// <summary>
    /// The repair round: a headless agent starts fresh, so it gets the request again, its own
    /// answer and every error, each at its JSON path.
    /// </summary>
    public static string Repair(string request, string schemaFile, string? previous, IReadOnlyList<PlanError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var lines = string.Join("\n", errors.Select(e => "- " + e));
        var answer = previous is null ? "(no JSON plan was found in your answer)" : previous.Trim();
        return request.Trim() + "\n\n---\n"
            + "Your previous plan for this request was rejected by Baton. The errors, each at its JSON path in your answer:\n"
            + lines + "\n\nYour previous answer:\n" + Indent(answer) + "\n\n"
            + "Fix every error and answer with the whole corrected plan.\n"
            + Instructions(schemaFile);
    }

    private static string Instructions(string schemaFile) =>
        "You are Baton's planner. Turn the request above into a graph of tickets, each small enough for one agent in one session.\n"
        + "Answer with one JSON object only (no other JSON in your answer), following the schema in " + schemaFile + ":\n"
        + "{\"summary\": \"...\", \"tickets\": [{\"key\": \"model\", \"title\": \"one line\", \"body\": \"what, where, why\", \"speciality\": \"backend\",\n"
        + "  \"depends_on\": [], \"paths\": [\"src/model/**\"], \"acceptance\": [\"a check that proves it is done\"]}]}\n"
        + "Rules Baton checks: every key unique; depends_on names keys of this plan (or existing tickets as T-n); no cycles;\n"
        + "one-line titles; at least one acceptance check per ticket; tickets that do not depend on each other (directly or\n"
        + "through others) may run at the same time, so their paths must not overlap: add a dependency or narrow the paths.\n"
        + "Read the code to plan, but change nothing: Baton files the tickets.";

    private static string Indent(string text) => string.Join("\n", text.Split('\n').Select(l => "    " + l));
}
