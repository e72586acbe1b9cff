using Baton.Core.Roles;
using Baton.Core.Workers;

namespace Baton.Core.Dispatch;

/// <summary>
/// Which agents outlive their ticket: those of a role with <c>exit_when_done: false</c> stay
/// alive and idle in their worktree once the ticket is finished (a person, an overseer or the
/// next ticket may still talk to them). The autopilot neither ends them nor removes the worktree
/// they sit in; they keep counting toward capacity and max_workers until killed or reused.
/// </summary>
public static class KeptAgents
{
    /// <summary>Whether <paramref name="worker"/>'s role asks to keep it after its ticket (an unknown or removed role does not).</summary>
    public static bool Keeps(IRoleCatalog roles, Worker worker)
    {
        ArgumentNullException.ThrowIfNull(roles);
        ArgumentNullException.ThrowIfNull(worker);
        if (worker.Role is not { } name)
        {
            return false;
        }

        try
        {
            return !roles.GetRole(name).ExitWhenDone;
        }
        catch (BatonException)
        {
            return false; // the role went away: nothing asks to keep the agent
        }
    }
}
