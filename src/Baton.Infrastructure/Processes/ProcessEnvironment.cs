using System.Collections;
using Baton.Core.Processes;

namespace Baton.Infrastructure.Processes;

/// <summary>This process's environment variables, read each time they are asked for.</summary>
public sealed class ProcessEnvironment : IEnvironmentVariables
{
    public string? Get(string name) => Environment.GetEnvironmentVariable(name);

    public IReadOnlyList<KeyValuePair<string, string?>> All()
    {
        var list = new List<KeyValuePair<string, string?>>();
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            list.Add(new KeyValuePair<string, string?>((string)e.Key, e.Value as string));
        }

        return list;
    }
}
