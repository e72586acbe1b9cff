using System.CommandLine;
using System.Globalization;
using Baton.Core.Roles;
using Spectre.Console;

namespace Baton.Cli.Commands;

/// <summary>`baton role ...`, `baton directive ...` and `baton memory ...`: who each agent is.</summary>
internal static class RoleCommand
{
    public static Command Create()
    {
        var list = new Command("list", "Roles: name, description, agent, directives, capacity");
        CommandRunner.Bind(list, (_, host, _) =>
        {
            var roles = host.Roles();
            var table = new Table().Border(TableBorder.Simple);
            table.AddColumns("NAME", "DESCRIPTION", "AGENT", "DIRECTIVES", "CAPACITY");
            foreach (var name in roles.Catalog.RoleNames())
            {
                var r = roles.Catalog.GetRole(name);
                table.AddRow(Markup.Escape(r.Name), Markup.Escape(r.Description), Markup.Escape(r.Agent ?? "-"),
                    Markup.Escape(string.Join(", ", r.Directives.Select(d => d.Name))), r.Capacity?.ToString(CultureInfo.InvariantCulture) ?? "-");
            }

            host.Console.Write(table);
            return Task.FromResult(0);
        });

        var showName = new Argument<string>("name") { Description = "The role" };
        var worker = new Option<string?>("--name", "-n") { Description = "Also include this named agent's memory, as spawn --name does" };
        var show = new Command("show", "The full context an agent of this role receives: prompt, then each directive") { showName, worker };
        CommandRunner.Bind(show, (parse, host, _) =>
        {
            host.Out.Write(host.Roles().Compose(parse.GetValue(showName)!, parse.GetValue(worker)));
            return Task.FromResult(0);
        });

        var settingsName = new Argument<string>("name") { Description = "The role" };
        var settings = new Command("settings", "A Claude Code settings.json for the role: its permissions and the hooks that report state to Baton") { settingsName };
        CommandRunner.Bind(settings, (parse, host, _) =>
        {
            host.Out.Write(host.Roles().ClaudeSettings(parse.GetValue(settingsName)!, host.Executables.Hook));
            return Task.FromResult(0);
        });

        return new Command("role", "Roles: who an agent is and what it may do") { list, show, settings };
    }

    public static Command CreateDirective()
    {
        var list = new Command("list", "Directives: reusable pieces of instruction");
        CommandRunner.Bind(list, (_, host, _) =>
        {
            var catalog = host.Roles().Catalog;
            var table = new Table().Border(TableBorder.Simple);
            table.AddColumns("NAME", "DESCRIPTION", "INCLUDES");
            foreach (var name in catalog.DirectiveNames())
            {
                var d = catalog.GetDirective(name);
                table.AddRow(Markup.Escape(d.Name), Markup.Escape(d.Description), Markup.Escape(string.Join(", ", d.Directives.Select(x => x.Name))));
            }

            host.Console.Write(table);
            return Task.FromResult(0);
        });
        var name = new Argument<string>("name") { Description = "The directive" };
        var show = new Command("show", "A directive's content") { name };
        CommandRunner.Bind(show, (parse, host, _) =>
        {
            var d = host.Roles().Catalog.GetDirective(parse.GetValue(name)!);
            host.Out.WriteLine($"# Directive: {d.Name}");
            if (d.Description.Length > 0)
            {
                host.Out.WriteLine(d.Description);
            }

            if (d.Directives.Count > 0)
            {
                host.Out.WriteLine("includes: " + string.Join(", ", d.Directives.Select(x => x.Name)));
            }

            host.Out.WriteLine();
            host.Out.Write(d.Content.TrimEnd() + "\n");
            return Task.FromResult(0);
        });
        return new Command("directive", "Directives: reusable pieces of instruction roles are made of") { list, show };
    }

    public static Command CreateMemory()
    {
        var showName = new Argument<string>("name") { Description = "The named agent (worker name)" };
        var show = new Command("show", "The canonical memory of a named agent (.baton/memories/NAME.md)") { showName };
        CommandRunner.Bind(show, (parse, host, _) =>
        {
            var n = parse.GetValue(showName)!;
            var memory = host.Roles().ReadMemory(n);
            host.Out.Write(memory ?? $"{n} has no memory yet; add to it with: baton memory add {n} \"what to remember\"\n");
            return Task.FromResult(0);
        });
        var addName = new Argument<string>("name") { Description = "The named agent" };
        var fact = new Argument<string>("text") { Description = "What to remember" };
        var add = new Command("add", "Add a line to a named agent's memory") { addName, fact };
        CommandRunner.Bind(add, (parse, host, _) =>
        {
            host.Roles().AddMemory(parse.GetValue(addName)!, parse.GetValue(fact)!, host.Time.GetUtcNow());
            return Task.FromResult(0);
        });
        return new Command("memory", "Memories of named agents, given to them when they are spawned") { show, add };
    }
}
