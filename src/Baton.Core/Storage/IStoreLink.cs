namespace Baton.Core.Storage;

/// <summary>
/// The connection under a store, as a node that must outlive the loss of its database sees it:
/// whether the client still has it open (a connection the server or the network dropped is not),
/// and opening it again.
/// </summary>
public interface IStoreLink
{
    bool Connected { get; }

    /// <summary>
    /// Opens the connection again (session locks it held are taken again where they can be);
    /// <see cref="StoreUnreachableException"/> while the store cannot be reached. Any other
    /// failure (a lock another process took meanwhile) is final.
    /// </summary>
    void Reconnect();
}
