using System.Text.Json;

namespace Baton.Core.Handoff;

/// <summary>
/// The JSON schema of an agent's handoff section, and its validation. The schema text is given to
/// the agent when it is asked for its section; <see cref="Validate"/> checks exactly what it says
/// (by hand, so no reflection and every error names the field), and refuses anything else.
/// </summary>
public static class HandoffSchema
{
    private static readonly string[] Texts = ["goal", "progress_summary", "current_work"];
    private static readonly string[] Lists = ["completed_work", "decisions", "rejected_approaches", "relevant_files", "blockers", "next_steps"];
    private static readonly string[] Required = ["goal", "progress_summary", "next_steps"];

    public const int MaxText = 8000;
    public const int MaxItems = 100;

    public const string Text = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "$id": "https://baton.dev/schemas/handoff-section-v1.json",
          "title": "Baton handoff section",
          "description": "What the leaving agent tells its successor about the ticket's work.",
          "type": "object",
          "additionalProperties": false,
          "required": ["goal", "progress_summary", "next_steps"],
          "properties": {
            "goal": {"type": "string", "minLength": 1, "maxLength": 8000, "description": "What the ticket is for, in your words."},
            "progress_summary": {"type": "string", "minLength": 1, "maxLength": 8000, "description": "Where the work stands."},
            "completed_work": {"type": "array", "maxItems": 100, "items": {"type": "string", "minLength": 1, "maxLength": 8000}},
            "current_work": {"type": "string", "maxLength": 8000, "description": "What you were in the middle of."},
            "decisions": {"type": "array", "maxItems": 100, "items": {"type": "string", "minLength": 1, "maxLength": 8000}},
            "rejected_approaches": {"type": "array", "maxItems": 100, "items": {"type": "string", "minLength": 1, "maxLength": 8000}},
            "relevant_files": {"type": "array", "maxItems": 100, "items": {"type": "string", "minLength": 1, "maxLength": 8000}},
            "tests": {"type": "array", "maxItems": 100, "items": {
              "type": "object", "additionalProperties": false, "required": ["name", "result"],
              "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 8000}, "result": {"type": "string", "minLength": 1, "maxLength": 8000}}}},
            "blockers": {"type": "array", "maxItems": 100, "items": {"type": "string", "minLength": 1, "maxLength": 8000}},
            "next_steps": {"type": "array", "minItems": 1, "maxItems": 100, "items": {"type": "string", "minLength": 1, "maxLength": 8000}}
          }
        }
        """;

    /// <summary>The section in <paramref name="json"/>, or null with every reason it is refused (each naming its field).</summary>
    public static (HandoffSection? Section, IReadOnlyList<string> Errors) Validate(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            return (null, [$"not JSON: {e.Message}"]);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, [$"$: must be an object, not {Kind(root)}"]);
            }

            var errors = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in root.EnumerateObject())
            {
                if (!seen.Add(p.Name))
                {
                    errors.Add($"$.{p.Name}: given twice");
                }
                else if (!Texts.Contains(p.Name) && !Lists.Contains(p.Name) && p.Name != "tests")
                {
                    errors.Add($"$.{p.Name}: not a field of the section (allowed: {string.Join(", ", [.. Texts, .. Lists, "tests"])})");
                }
            }

            errors.AddRange(Required.Where(r => !root.TryGetProperty(r, out _)).Select(r => $"$.{r}: required"));
            var texts = Texts.ToDictionary(t => t, t => TextOf(root, t, errors), StringComparer.Ordinal);
            var lists = Lists.ToDictionary(l => l, l => ListOf(root, l, errors), StringComparer.Ordinal);
            var tests = TestsOf(root, errors);
            if (root.TryGetProperty("next_steps", out var steps) && steps.ValueKind == JsonValueKind.Array && steps.GetArrayLength() == 0)
            {
                errors.Add("$.next_steps: must name at least one step");
            }

            if (errors.Count > 0)
            {
                return (null, errors);
            }

            return (new HandoffSection
            {
                Goal = texts["goal"]!,
                ProgressSummary = texts["progress_summary"]!,
                CurrentWork = texts["current_work"],
                CompletedWork = lists["completed_work"],
                Decisions = lists["decisions"],
                RejectedApproaches = lists["rejected_approaches"],
                RelevantFiles = lists["relevant_files"],
                Tests = tests,
                Blockers = lists["blockers"],
                NextSteps = lists["next_steps"],
            }, []);
        }
    }

    private static string? TextOf(JsonElement root, string name, List<string> errors)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add($"$.{name}: must be a string, not {Kind(value)}");
            return null;
        }

        var text = value.GetString()!;
        if (name != "current_work" && text.Trim().Length == 0)
        {
            errors.Add($"$.{name}: must not be empty");
        }

        if (text.Length > MaxText)
        {
            errors.Add($"$.{name}: longer than {MaxText} characters ({text.Length})");
        }

        return text;
    }

    private static List<string> ListOf(JsonElement root, string name, List<string> errors)
    {
        var list = new List<string>();
        if (!root.TryGetProperty(name, out var value))
        {
            return list;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            errors.Add($"$.{name}: must be a list of strings, not {Kind(value)}");
            return list;
        }

        if (value.GetArrayLength() > MaxItems)
        {
            errors.Add($"$.{name}: more than {MaxItems} items ({value.GetArrayLength()})");
        }

        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || item.GetString()!.Trim().Length == 0)
            {
                errors.Add($"$.{name}[{i}]: must be a non-empty string, not {Kind(item)}");
            }
            else if (item.GetString()!.Length > MaxText)
            {
                errors.Add($"$.{name}[{i}]: longer than {MaxText} characters");
            }
            else
            {
                list.Add(item.GetString()!);
            }

            i++;
        }

        return list;
    }

    private static List<HandoffTestResult> TestsOf(JsonElement root, List<string> errors)
    {
        var list = new List<HandoffTestResult>();
        if (!root.TryGetProperty("tests", out var value))
        {
            return list;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            errors.Add($"$.tests: must be a list of {{\"name\", \"result\"}} objects, not {Kind(value)}");
            return list;
        }

        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            var at = $"$.tests[{i++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{at}: must be an object with \"name\" and \"result\", not {Kind(item)}");
                continue;
            }

            foreach (var p in item.EnumerateObject().Where(p => p.Name is not ("name" or "result")))
            {
                errors.Add($"{at}.{p.Name}: not a field of a test (allowed: name, result)");
            }

            var name = item.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String && n.GetString()!.Trim().Length > 0 ? n.GetString() : null;
            var result = item.TryGetProperty("result", out var r) && r.ValueKind == JsonValueKind.String && r.GetString()!.Trim().Length > 0 ? r.GetString() : null;
            if (name is null)
            {
                errors.Add($"{at}.name: required, a non-empty string");
            }

            if (result is null)
            {
                errors.Add($"{at}.result: required, a non-empty string");
            }

            if (name is not null && result is not null)
            {
                list.Add(new HandoffTestResult(name, result));
            }
        }

        return list;
    }

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "an object",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
