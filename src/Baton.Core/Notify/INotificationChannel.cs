namespace Baton.Core.Notify;

/// <summary>One way of reaching a person. A delivery that fails throws <see cref="NotificationFailedException"/> saying why.</summary>
public interface INotificationChannel
{
    Task SendAsync(Notice notice, CancellationToken cancellationToken);
}
