using Baton.Core;
using Baton.Core.Storage;
using Baton.Infrastructure.Storage.Postgres;

namespace Baton.Infrastructure.Nodes;

/// <summary>
/// A node loop's connection to the shared store: opened again after it dropped, and with it the
/// node's name lock (<see cref="StoreNodeLock"/>), which went with the old connection. A node of
/// the same name that started meanwhile keeps the name; this one then stops.
/// </summary>
public sealed class NodeStoreLink : IStoreLink
{
    private readonly PostgresStore _store;
    private readonly StoreNodeLock _lock;
    private readonly string _node;

    public NodeStoreLink(PostgresStore store, string node)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(node);
        _store = store;
        _node = node;
        _lock = new StoreNodeLock(store, node);
    }

    public bool Connected => _store.Connected;

    public void Reconnect()
    {
        _store.Reconnect();
        if (_lock.TryAcquire() is null)
        {
            throw new BatonException($"while node '{_node}' was away from the store another node named '{_node}' started: this one stops (its agents keep running, the other node now holds its name)");
        }
    }
}
