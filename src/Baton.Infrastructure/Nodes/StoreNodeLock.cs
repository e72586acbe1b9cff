using Baton.Core.Dispatch;
using Baton.Infrastructure.Storage.Sql;

namespace Baton.Infrastructure.Nodes;

/// <summary>
/// The one-instance lock of a named node on the shared store: a session advisory lock keyed by
/// the node's name, on the connection the node's loop uses, so two `baton node --name N` never
/// run at once anywhere, and a killed node's lock goes with its connection. Several nodes (of
/// other names) may run on one repository, which the repository's autopilot lock would forbid.
/// </summary>
public sealed class StoreNodeLock : IAutopilotLock
{
    private readonly SqlStore _store;
    private readonly string _node;

    public StoreNodeLock(SqlStore store, string node)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(node);
        _store = store;
        _node = node;
    }

    public string PidFile => $"the store's node lock of '{_node}'";

    public IDisposable? TryAcquire() => _store.HoldAdvisoryLock(Key(_node)) ? new Held() : null;

    public int? Holder() => null;

    public bool Terminate(int pid) => false;

    /// <summary>FNV-1a over the name: stable across processes and machines, unlike string.GetHashCode.</summary>
    private static long Key(string name)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes("node:" + name))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return unchecked((long)hash);
    }

    // The lock lives as long as the connection: the server lets it go when the node's connection closes.
    private sealed class Held : IDisposable
    {
        public void Dispose()
        {
        }
    }
}
