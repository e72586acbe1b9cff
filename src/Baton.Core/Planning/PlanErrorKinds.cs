namespace Baton.Core.Planning;

/// <summary>The kinds of <see cref="PlanError"/> (stable strings: they are in --json and in events).</summary>
public static class PlanErrorKinds
{
    public const string NoGraph = "no_graph";
    public const string InvalidJson = "invalid_json";
    public const string WrongType = "wrong_type";
    public const string UnknownField = "unknown_field";
    public const string MissingKey = "missing_key";
    public const string DuplicateKey = "duplicate_key";
    public const string EmptyTitle = "empty_title";
    public const string MultiLineTitle = "multi_line_title";
    public const string MissingAcceptance = "missing_acceptance";
    public const string UnknownDependency = "unknown_dependency";
    public const string SelfDependency = "self_dependency";
    public const string Cycle = "cycle";
    public const string UnknownRole = "unknown_role";
    public const string InvalidPath = "invalid_path";
    public const string InvalidValue = "invalid_value";
    public const string Overlap = "overlap";
}
