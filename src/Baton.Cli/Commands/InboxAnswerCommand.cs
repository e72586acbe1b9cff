using System.CommandLine;
using System.Globalization;
using Baton.Core.Mcp;

namespace Baton.Cli.Commands;

/// <summary>`baton inbox answer N "..."` and `baton inbox questions`: a person answers what agents asked (MCP ask_human).</summary>
internal static class InboxAnswerCommand
{
    public static Command CreateAnswer()
    {
        var id = new Argument<long>("question") { Description = "The question's number (the notification and `baton inbox questions` show it)" };
        var text = new Argument<string>("answer") { Description = "The answer the agent gets; '-' reads it from standard input" };
        var command = new Command("answer", "Answer a question an agent asked (ask_human); the agent's waiting call returns it") { id, text, CommandRunner.Json };
        CommandRunner.Bind(command, async (parse, host, ct) =>
        {
            var answer = parse.GetValue(text)!;
            if (answer == "-")
            {
                answer = await host.In.ReadToEndAsync(ct).ConfigureAwait(false);
            }

            var record = new HumanAnswers(host.Store, host.Time).Answer(parse.GetValue(id), answer.Trim(), "cli");
            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(Json(w =>
                {
                    w.WriteStartObject();
                    w.WriteNumber("question", parse.GetValue(id));
                    w.WriteString("ticket", record.Ticket);
                    w.WriteString("worker", record.Worker);
                    w.WriteString("answer", record.Message);
                    w.WriteEndObject();
                }));
                return 0;
            }

            host.Out.WriteLine($"answered question {parse.GetValue(id).ToString(CultureInfo.InvariantCulture)}{(record.Ticket is { } t ? " (" + t + ")" : "")}");
            return 0;
        });
        return command;
    }

    public static Command CreateQuestions()
    {
        var command = new Command("questions", "The questions agents asked (ask_human) that nobody answered yet") { CommandRunner.Json };
        CommandRunner.Bind(command, (parse, host, _) =>
        {
            var open = new HumanAnswers(host.Store, host.Time).Open();
            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(Json(w =>
                {
                    w.WriteStartArray();
                    foreach (var q in open)
                    {
                        w.WriteStartObject();
                        w.WriteNumber("question", q.Id);
                        w.WriteString("time", q.Time);
                        w.WriteString("ticket", q.Ticket);
                        w.WriteString("worker", q.Worker);
                        w.WriteString("text", q.Message);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                }));
                return Task.FromResult(0);
            }

            if (open.Count == 0)
            {
                host.Out.WriteLine("No open questions.");
            }

            foreach (var q in open)
            {
                host.Out.WriteLine($"{q.Id.ToString(CultureInfo.InvariantCulture)}  {q.Time.ToLocalTime():yyyy-MM-dd HH:mm}  {q.Ticket ?? "-"}  {q.Worker ?? "-"}: {q.Message}");
            }

            return Task.FromResult(0);
        });
        return command;
    }

    private static string Json(Action<System.Text.Json.Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer, new System.Text.Json.JsonWriterOptions { Indented = true }))
        {
            body(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
