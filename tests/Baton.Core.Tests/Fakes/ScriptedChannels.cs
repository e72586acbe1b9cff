using Baton.Core.Notify;

namespace Baton.Core.Tests.Fakes;

/// <summary>
/// Channels whose answers a test scripts per channel name: each delivery takes the next answer
/// (null = accepted, a message = refused, <see cref="Hang"/> = never answers until cancelled);
/// a channel with no answer left accepts. Every notice received is kept.
/// </summary>
internal sealed class ScriptedChannels : INotificationChannels
{
    public const string Hang = "\u0000hang";

    private readonly Dictionary<string, Queue<string?>> _answers = new(StringComparer.Ordinal);

    public List<(string Channel, Notice Notice)> Received { get; } = [];

    public ScriptedChannels Answer(string channel, params string?[] answers)
    {
        _answers[channel] = new Queue<string?>(answers);
        return this;
    }

    public INotificationChannel Open(ChannelConfig config) => new Channel(this, config.Name);

    private sealed class Channel(ScriptedChannels owner, string name) : INotificationChannel
    {
        public async Task SendAsync(Notice notice, CancellationToken cancellationToken)
        {
            string? answer;
            lock (owner)
            {
                answer = owner._answers.TryGetValue(name, out var q) && q.Count > 0 ? q.Dequeue() : null;
            }

            if (answer == Hang)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            if (answer is not null)
            {
                throw new NotificationFailedException(answer);
            }

            lock (owner)
            {
                owner.Received.Add((name, notice));
            }
        }
    }
}
