namespace Baton.Core.Planning;

/// <summary>
/// The published shape of a plan (JSON Schema 2020-12), written to <c>.baton/plan/schema.json</c>
/// and quoted in the planning prompt. <see cref="PlanParser"/> and <see cref="PlanValidator"/>
/// enforce it, and more (cycles, overlap, roles) than a schema can say.
/// </summary>
public static class PlanSchema
{
    public const string Version = "1";

    public const string Json = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "$id": "https://baton.dev/schemas/plan-1.json",
          "title": "Baton ticket plan",
          "description": "A graph of tickets for `baton plan`. Dependencies name other tickets of the plan by key (or an existing ticket as T-n). Tickets that do not depend on each other, directly or through others, may run in parallel, so their paths must not overlap.",
          "type": "object",
          "required": ["tickets"],
          "additionalProperties": false,
          "properties": {
            "summary": { "type": "string", "description": "One paragraph: the approach." },
            "tickets": {
              "type": "array",
              "minItems": 1,
              "items": {
                "type": "object",
                "required": ["key", "title", "acceptance"],
                "additionalProperties": false,
                "properties": {
                  "key": { "type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", "description": "Unique within the plan; not of the form T-n." },
                  "title": { "type": "string", "minLength": 1, "pattern": "^[^\\r\\n]+$", "description": "One line; it becomes the merge commit's subject." },
                  "body": { "type": "string", "description": "What to do, where and why." },
                  "role": { "type": "string", "description": "A Baton role (baton role list); default: the autopilot's." },
                  "speciality": { "type": "string", "description": "A kind of work (backend, ui, docs); filed as the label speciality:NAME." },
                  "priority": { "enum": ["critical", "high", "medium", "low"] },
                  "depends_on": { "type": "array", "items": { "type": "string" }, "uniqueItems": true, "description": "Keys of tickets of this plan (or T-n) that must be done first." },
                  "paths": { "type": "array", "items": { "type": "string" }, "description": "Globs of the files it will touch, relative to the repository root: * within a folder, ** across folders, a folder name covers everything under it." },
                  "acceptance": { "type": "array", "minItems": 1, "items": { "type": "string", "minLength": 1 }, "description": "How to know it is done, one check each." },
                  "labels": { "type": "array", "items": { "type": "string" } }
                }
              }
            }
          }
        }
        """;
}
