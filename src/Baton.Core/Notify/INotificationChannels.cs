namespace Baton.Core.Notify;

/// <summary>Makes the channel a config entry describes (reads its secrets from the environment when asked).</summary>
public interface INotificationChannels
{
    INotificationChannel Open(ChannelConfig config);
}
