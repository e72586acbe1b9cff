namespace Baton.Core.Notify;

/// <summary>A channel did not take a notification: the receiver refused, answered an error, hung, or a secret is missing.</summary>
public sealed class NotificationFailedException : BatonException
{
    public NotificationFailedException(string message, Exception? inner = null)
        : base(message, inner ?? new InvalidOperationException(message))
    {
    }
}
