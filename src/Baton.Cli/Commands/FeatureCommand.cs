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
            host.Out.WriteLine(parse.GetValue(CommandRunner.Json)
                ? JsonSerializer.Serialize(new FeatureJson(f.Name, f.Title, f.Description, f.CreatedAt), CliJson.Readable.FeatureJson)
                : $"feature {f.Name}: {f.Title}");
            return Task.FromResult(0);
        });
        return new Command("feature", "Features: groups of tickets delivered together") { add, Init() };
    }

    private static Command Init()
    {
        var name = new Argument<string>("name") { Description = "Short name, e.g. 003-reading-goals" };
        var title = new Option<string?>("--title") { Description = "What the feature is (default: its name)" };
        var implementors = new Option<string[]>("--implementors") { Description = "One branch per implementor: names, comma-separated (data,api,ui)" };
        var baseBranch = new Option<string?>("--base") { Description = "Branch to start from and merge into (default: autopilot.base_branch, else the checked-out branch)" };
        var init = new Command("init", "Create a feature's overseer (integration) branch and one branch per implementor; safe to run again")
        {
            name, title, implementors, baseBranch, CommandRunner.Json,
        };
        CommandRunner.Bind(init, (parse, host, _) =>
        {
            var names = (parse.GetValue(implementors) ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
            var result = new Baton.Core.Tickets.FeatureBranches(host.Git, host.TicketStore, host.Store, host.Time, host.Paths.Root) { Remote = host.FleetRemote() }
                .Init(parse.GetValue(name)!, parse.GetValue(title), names, parse.GetValue(baseBranch), host.Config.Autopilot.BaseBranch);
            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(JsonSerializer.Serialize(new FeatureInitJson(result.Feature, result.BaseBranch,
                    result.Branches.Select(b => new FeatureBranchJson(b.Branch, b.Created)).ToList()), CliJson.Readable.FeatureInitJson));
                return Task.FromResult(0);
            }

            host.Out.WriteLine($"feature {result.Feature} (from {result.BaseBranch}):");
            foreach (var (branch, created) in result.Branches)
            {
                host.Out.WriteLine($"  {branch}  {(created ? "created" : "exists")}");
            }

            return Task.FromResult(0);
        });
        return init;
    }
}
