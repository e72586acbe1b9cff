using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Baton.Cli.Rendering;
using Baton.Core.Roles;
using Spectre.Console;

namespace Baton.Cli.Commands;

/// <summary>`baton role ...`, `baton directive ...` and `baton memory ...`: who each agent is.</summary>
internal static class RoleCommand
{
    public static Command Create()
    {
        var list = new Command("list", "Roles: name, description, agent, directives, capacity") { CommandRunner.Json };
        CommandRunner.Bind(list, (parse, host, _) =>
        {
            var catalog = host.Roles().Catalog;
            var roles = catalog.RoleNames().Select(catalog.GetRole).ToList();
            if (parse.GetValue(CommandRunner.Json))
            {
                var rows = roles.Select(r => new RoleJson(r.Name, r.Description, r.Agent, r.Directives.Select(d => d.Name).ToList(), r.Capacity)).ToList();
                host.Out.WriteLine(JsonSerializer.Serialize(rows, CliJson.Readable.ListRoleJson));
                return Task.FromResult(0);
            }

            var table = new Table().Border(TableBorder.Simple);
            table.AddColumns("NAME", "DESCRIPTION", "AGENT", "DIRECTIVES", "CAPACITY");
            foreach (var r in roles)
            {
                table.AddRow(Markup.Escape(r.Name), Markup.Escape(r.Description), Markup.Escape(r.Agent ?? "-"),
                    Markup.Escape(string.Join(", ", r.Directives.Select(d => d.Name))), r.Capacity?.ToString(CultureInfo.InvariantCulture) ?? "-");
            }

            host.Console.Write(table);
            return Task.FromResult(0);
        });

        var showName = new Argument<string>("name") { Description = "The role" };
        var worker = new Option<string?>("--name", "-n") { Description = "Also include this named agent's memory, as spawn --name does" };
        var show = new Command("show", "The full context an agent of this role receives: prompt, then each directive") { showName, worker, CommandRunner.Json };
        CommandRunner.Bind(show, (parse, host, _) =>
        {
            var role = parse.GetValue(showName)!;
            var context = host.Roles().Compose(role, parse.GetValue(worker));
            host.Out.Write(parse.GetValue(CommandRunner.Json)
                ? JsonSerializer.Serialize(new RoleContextJson(role, parse.GetValue(worker), context), CliJson.Readable.RoleContextJson) + "\n"
                : context);
            return Task.FromResult(0);
        });

        var settingsName = new Argument<string>("name") { Description = "The role" };
        var settingsJson = new Option<bool>("--json") { Description = "Accepted for uniformity: the settings are JSON already" };
        var settings = new Command("settings", "A Claude Code settings.json for the role: its permissions and the hooks that report state to Baton") { settingsName, settingsJson };
        CommandRunner.Bind(settings, (parse, host, _) =>
        {
            host.Out.Write(host.Roles().ClaudeSettings(parse.GetValue(settingsName)!, host.Executables.Hook));
            return Task.FromResult(0);
        });

        return new Command("role", "Roles: who an agent is and what it may do") { list, show, settings };
    }

    public static Command CreateDirective()
    {
        var list = new Command("list", "Directives: reusable pieces of instruction") { CommandRunner.Json };
        CommandRunner.Bind(list, (parse, host, _) =>
        {
            var catalog = host.Roles().Catalog;
            var directives = catalog.DirectiveNames().Select(catalog.GetDirective).ToList();
            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(JsonSerializer.Serialize(directives.Select(ToJson).ToList(), CliJson.Readable.ListDirectiveJson));
                return Task.FromResult(0);
            }

            var table = new Table().Border(TableBorder.Simple);
            table.AddColumns("NAME", "DESCRIPTION", "INCLUDES");
            foreach (var d in directives)
            {
                table.AddRow(Markup.Escape(d.Name), Markup.Escape(d.Description), Markup.Escape(string.Join(", ", d.Directives.Select(x => x.Name))));
            }

            host.Console.Write(table);
            return Task.FromResult(0);
        });
        var name = new Argument<string>("name") { Description = "The directive" };
        var show = new Command("show", "A directive's content") { name, CommandRunner.Json };
        CommandRunner.Bind(show, (parse, host, _) =>
        {
            var d = host.Roles().Catalog.GetDirective(parse.GetValue(name)!);
            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(JsonSerializer.Serialize(ToJson(d), CliJson.Readable.DirectiveJson));
                return Task.FromResult(0);
            }

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
        var show = new Command("show", "The canonical memory of a named agent (.baton/memories/NAME.md)") { showName, CommandRunner.Json };
        CommandRunner.Bind(show, (parse, host, _) =>
        {
            var n = parse.GetValue(showName)!;
            var roles = host.Roles();
            var memory = roles.ReadMemory(n);
            host.Out.Write(parse.GetValue(CommandRunner.Json)
                ? JsonSerializer.Serialize(new MemoryJson(n, roles.MemoryFile(n), memory, null), CliJson.Readable.MemoryJson) + "\n"
                : memory ?? $"{n} has no memory yet; add to it with: baton memory add {n} \"what to remember\"\n");
            return Task.FromResult(0);
        });
        var addName = new Argument<string>("name") { Description = "The named agent" };
        var fact = new Argument<string>("text") { Description = "What to remember" };
        var add = new Command("add", "Add a line to a named agent's memory") { addName, fact, CommandRunner.Json };
        CommandRunner.Bind(add, (parse, host, _) =>
        {
            var n = parse.GetValue(addName)!;
            var roles = host.Roles();
            roles.AddMemory(n, parse.GetValue(fact)!, host.Time.GetUtcNow());
            var file = roles.MemoryFile(n);
            host.Out.WriteLine(parse.GetValue(CommandRunner.Json)
                ? JsonSerializer.Serialize(new MemoryJson(n, file, roles.ReadMemory(n), parse.GetValue(fact)), CliJson.Readable.MemoryJson)
                : $"added to {n}'s memory ({Path.GetRelativePath(host.Paths.Root, file)}); it is given to {n} when it is next spawned");
            return Task.FromResult(0);
        });
        return new Command("memory", "Memories of named agents, given to them when they are spawned") { show, add };
    }

    private static DirectiveJson ToJson(Baton.Core.Roles.Directive d) => new(d.Name, d.Description, d.Directives.Select(x => x.Name).ToList(), d.Content);
}
