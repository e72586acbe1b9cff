using Baton.Core.Agents;
using Baton.Core.Roles;
using Baton.Core.Tickets;

namespace Baton.Core.Dispatch;

/// <summary>
/// Tickets ask for a kind of work by a label <c>speciality:NAME</c> (review, architecture,
/// implementation, analysis, generation...); roles and agent profiles declare theirs
/// (<c>specialities: [...]</c>). A ticket that names its role (or a worker) runs with it as before.
/// </summary>
public static class Specialities
{
    public const string LabelPrefix = "speciality:";

    /// <summary>The speciality the ticket's labels ask for (lower case), or null.</summary>
    public static string? Wanted(Ticket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var label = ticket.Labels.Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(LabelPrefix, StringComparison.OrdinalIgnoreCase));
        return label is null || label.Length == LabelPrefix.Length ? null : label[LabelPrefix.Length..].Trim().ToLowerInvariant();
    }

    public static bool Declares(IReadOnlyList<string> declared, string speciality) =>
        declared.Any(d => string.Equals(d.Trim(), speciality, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The (role, agent) pairs a ticket asking for <paramref name="speciality"/> may run with, best
    /// first: the roles that declare it (by name; none: <paramref name="defaultRole"/>), each with
    /// the ticket's own agent if it names one, else the role's agent when the role declares the
    /// speciality, then the profiles that declare it (by name), else the role's agent or
    /// <paramref name="defaultAgent"/>. The planner takes the first pair with room, so a busy
    /// specialist does not keep the ticket from another free one.
    /// </summary>
    /// <exception cref="BatonException">No role and no profile declares it: waiting will not help.</exception>
    public static IReadOnlyList<(string Role, string Agent)> Pairs(string speciality, string? agentWanted, IReadOnlyList<Role> roles, IReadOnlyList<AgentProfile> profiles, Role defaultRole, string defaultAgent)
    {
        ArgumentNullException.ThrowIfNull(roles);
        ArgumentNullException.ThrowIfNull(profiles);
        ArgumentNullException.ThrowIfNull(defaultRole);
        var specialistRoles = roles.Where(r => Declares(r.Specialities, speciality)).OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
        var specialistAgents = profiles.Where(p => Declares(p.Specialities, speciality)).Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal).ToList();
        if (specialistRoles.Count == 0 && specialistAgents.Count == 0)
        {
            throw new BatonException($"no role or agent profile has the speciality '{speciality}' it asks for: add `specialities: [{speciality}]` to a role (.baton/roles/) or profile (.baton/agents/), or change the ticket's label");
        }

        var pairs = new List<(string, string)>();
        foreach (var role in specialistRoles.Count > 0 ? specialistRoles : [defaultRole])
        {
            var list = new List<string>();
            if (agentWanted is not null)
            {
                list.Add(agentWanted);
            }
            else
            {
                if (specialistRoles.Count > 0 && role.Agent is { } own)
                {
                    list.Add(own);
                }

                list.AddRange(specialistAgents.Where(a => !list.Contains(a, StringComparer.Ordinal)));
            }

            if (list.Count == 0)
            {
                list.Add(role.Agent ?? defaultAgent);
            }

            pairs.AddRange(list.Select(a => (role.Name, a)));
        }

        return pairs;
    }
}
