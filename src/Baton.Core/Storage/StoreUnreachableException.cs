namespace Baton.Core.Storage;

/// <summary>The shared store could not be reached (its server down, or the network to it cut): trying again later may succeed.</summary>
public sealed class StoreUnreachableException : BatonException
{
    public StoreUnreachableException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
