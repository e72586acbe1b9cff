using System.CommandLine;
using System.Text.Json;
using Baton.Cli.Rendering;

namespace Baton.Cli.Commands;

internal static class FeatureCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "Short name, e.g. 003-reading-goals" };
        var title = new Argument<string>("title") { Description = "What the feature is" };
        var description = new Option<string?>("--description") { Description = "Longer description" };
        var add = new Command("add", "Register a feature that tickets can belong to") { name, title, description, CommandRunner.Json };
        CommandRunner.Bind(add, (parse, host, _) =>
        {
            var f = host.Tickets().AddFeature(parse.GetValue(name)!, parse.GetValue(title)!, parse.GetValue(description) ?? "");
            Console.WriteLine(parse.GetValue(CommandRunner.Json)
                ? JsonSerializer.Serialize(new FeatureJson(f.Name, f.Title, f.Description, f.CreatedAt), CliJson.Readable.FeatureJson)
                : $"feature {f.Name}: {f.Title}");
            return Task.FromResult(0);
        });
        return new Command("feature", "Features: groups of tickets delivered together") { add };
    }
}
