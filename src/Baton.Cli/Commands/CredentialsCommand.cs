using System.CommandLine;
using System.Text.Json;
using Baton.Cli.Host;
using Baton.Cli.Rendering;
using Baton.Core;
using Baton.Core.Sandbox;
using Baton.Core.Workers;

namespace Baton.Cli.Commands;

/// <summary>`baton credentials set|unset|list`: per-worker or per-role secrets for sandboxed workers.</summary>
internal static class CredentialsCommand
{
    public static Command Create()
    {
        var owner = new Argument<string>("owner") { Description = "A role name (`baton role list`: every worker of that role) or a worker name" };
        var name = new Argument<string>("name") { Description = "The variable the sandboxed agent gets, e.g. ANTHROPIC_API_KEY" };
        var set = new Command("set", "Store a credential; the value is read from standard input (never an argument: it would show in `ps` and shell history)") { owner, name, CommandRunner.Json };
        CommandRunner.Bind(set, async (parse, host, ct) =>
        {
            var value = (await host.In.ReadToEndAsync(ct).ConfigureAwait(false)).TrimEnd('\r', '\n');
            if (value.Length == 0)
            {
                throw BatonException.Usage("no value on standard input: pipe it in, e.g. `printf %s \"$KEY\" | baton credentials set w1 ANTHROPIC_API_KEY`");
            }

            var scope = Scope(host, parse.GetValue(owner)!);
            var variable = CredentialScope.ValidName(parse.GetValue(name)!);
            host.Credentials.Set(scope, variable, value);
            host.Out.WriteLine(parse.GetValue(CommandRunner.Json)
                ? JsonSerializer.Serialize(new CredentialJson(scope.Kind, scope.Name, variable), CliJson.Readable.CredentialJson)
                : $"stored {variable} for {scope} (only its sandbox gets it)");
            return 0;
        });

        var unsetOwner = new Argument<string>("owner") { Description = "The role or worker" };
        var unsetName = new Argument<string>("name") { Description = "The variable" };
        var unset = new Command("unset", "Delete a stored credential") { unsetOwner, unsetName, CommandRunner.Json };
        CommandRunner.Bind(unset, (parse, host, ct) =>
        {
            var scope = Scope(host, parse.GetValue(unsetOwner)!);
            var variable = CredentialScope.ValidName(parse.GetValue(unsetName)!);
            if (!host.Credentials.Unset(scope, variable))
            {
                throw new BatonException($"no credential {variable} for {scope}: `baton credentials list` shows them");
            }

            host.Out.WriteLine(parse.GetValue(CommandRunner.Json)
                ? JsonSerializer.Serialize(new CredentialJson(scope.Kind, scope.Name, variable), CliJson.Readable.CredentialJson)
                : $"removed {variable} for {scope}");
            return Task.FromResult(0);
        });

        var list = new Command("list", "Stored credentials by role and worker: names only, never values") { CommandRunner.Json };
        CommandRunner.Bind(list, (parse, host, ct) =>
        {
            var rows = host.Credentials.List().Select(c => new CredentialJson(c.Scope.Kind, c.Scope.Name, c.Name)).ToList();
            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(JsonSerializer.Serialize(rows, CliJson.Readable.ListCredentialJson));
            }
            else if (rows.Count == 0)
            {
                host.Out.WriteLine("no credentials (`baton credentials set OWNER NAME` stores one)");
            }
            else
            {
                foreach (var row in rows)
                {
                    host.Out.WriteLine($"{row.Kind,-6} {row.Owner,-20} {row.Name}");
                }
            }

            return Task.FromResult(0);
        });

        return new Command("credentials", "Per-worker and per-role secrets, stored 0600 outside the repository and given only to that sandbox") { set, unset, list };
    }

    /// <summary>A role's name means the role; anything else is a worker's name.</summary>
    private static CredentialScope Scope(CliHost host, string owner)
    {
        if (host.Roles().Catalog.RoleNames().Contains(owner, StringComparer.Ordinal))
        {
            return new CredentialScope(true, owner);
        }

        return new CredentialScope(false, WorkerName.Validate(owner));
    }
}
