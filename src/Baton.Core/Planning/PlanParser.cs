using System.Globalization;
using System.Text.Json;

namespace Baton.Core.Planning;

/// <summary>
/// Reads a plan's JSON into a <see cref="PlanGraph"/>, reporting every field of the wrong type or
/// unknown to the schema at its JSON path. Read through <see cref="JsonDocument"/> (no reflection),
/// so each error can say exactly where it is. What is readable is kept, so the validator still
/// reports the graph's own problems alongside.
/// </summary>
public static class PlanParser
{
    private static readonly string[] TopFields = ["summary", "tickets"];
    private static readonly string[] TicketFields = ["key", "title", "body", "role", "speciality", "priority", "depends_on", "paths", "acceptance", "labels"];

    public static (PlanGraph? Graph, IReadOnlyList<PlanError> Errors) Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var errors = new List<PlanError>();
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            errors.Add(new PlanError(PlanErrorKinds.InvalidJson, "$", "not valid JSON: " + e.Message));
            return (null, errors);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new PlanError(PlanErrorKinds.WrongType, "$", $"expected an object with \"tickets\", got {Kind(root)}"));
                return (null, errors);
            }

            Unknown(root, "$", TopFields, errors);
            var summary = OptionalString(root, "summary", "$", errors);
            if (!root.TryGetProperty("tickets", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                errors.Add(new PlanError(PlanErrorKinds.WrongType, "$.tickets", list.ValueKind == JsonValueKind.Undefined ? "missing: give the tickets as an array" : $"expected an array of tickets, got {Kind(list)}"));
                return (null, errors);
            }

            var tickets = new List<PlannedTicket>();
            var index = 0;
            foreach (var item in list.EnumerateArray())
            {
                var at = string.Create(CultureInfo.InvariantCulture, $"$.tickets[{index++}]");
                if (item.ValueKind != JsonValueKind.Object)
                {
                    errors.Add(new PlanError(PlanErrorKinds.WrongType, at, $"expected a ticket object, got {Kind(item)}"));
                    tickets.Add(new PlannedTicket { Key = "", Title = "" });
                    continue;
                }

                Unknown(item, at, TicketFields, errors);
                tickets.Add(new PlannedTicket
                {
                    Key = OptionalString(item, "key", at, errors) ?? "",
                    Title = OptionalString(item, "title", at, errors) ?? "",
                    Body = OptionalString(item, "body", at, errors) ?? "",
                    Role = OptionalString(item, "role", at, errors),
                    Speciality = OptionalString(item, "speciality", at, errors),
                    Priority = OptionalString(item, "priority", at, errors),
                    DependsOn = Strings(item, "depends_on", at, errors),
                    Paths = Strings(item, "paths", at, errors),
                    Acceptance = Strings(item, "acceptance", at, errors),
                    Labels = Strings(item, "labels", at, errors),
                });
            }

            return (new PlanGraph(tickets) { Summary = summary }, errors);
        }
    }

    private static void Unknown(JsonElement obj, string at, string[] known, List<PlanError> errors)
    {
        foreach (var p in obj.EnumerateObject())
        {
            if (!known.Contains(p.Name, StringComparer.Ordinal))
            {
                errors.Add(new PlanError(PlanErrorKinds.UnknownField, $"{at}.{p.Name}", $"unknown field (the schema has: {string.Join(", ", known)})"));
            }
        }
    }

    private static string? OptionalString(JsonElement obj, string name, string at, List<PlanError> errors)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (v.ValueKind == JsonValueKind.String)
        {
            return v.GetString();
        }

        errors.Add(new PlanError(PlanErrorKinds.WrongType, $"{at}.{name}", $"expected a string, got {Kind(v)}"));
        return null;
    }

    private static List<string> Strings(JsonElement obj, string name, string at, List<PlanError> errors)
    {
        var list = new List<string>();
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return list;
        }

        if (v.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new PlanError(PlanErrorKinds.WrongType, $"{at}.{name}", $"expected an array of strings, got {Kind(v)}"));
            return list;
        }

        var i = 0;
        foreach (var item in v.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                list.Add(item.GetString()!);
            }
            else
            {
                errors.Add(new PlanError(PlanErrorKinds.WrongType, string.Create(CultureInfo.InvariantCulture, $"{at}.{name}[{i}]"), $"expected a string, got {Kind(item)}"));
                list.Add("");
            }

            i++;
        }

        return list;
    }

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
