namespace Baton.Core.Dispatch;

/// <summary>How many changes an <see cref="IAutopilotWake"/> has seen: writes to the store's files, and hook calls spooled.</summary>
public readonly record struct WakeMark(long Store, long Hooks);
