namespace Baton.Core.Planning;

/// <summary>
/// One thing wrong with a plan: where (a JSON path into the agent's answer, such as
/// <c>$.tickets[2].depends_on[0]</c>), what kind (<see cref="PlanErrorKinds"/>) and why, in words the
/// agent can act on when it is asked to repair it.
/// </summary>
public sealed record PlanError(string Kind, string Location, string Message)
{
    public override string ToString() => $"{Location}: {Message}";
}
