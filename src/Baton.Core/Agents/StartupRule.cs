using System.Text.RegularExpressions;

namespace Baton.Core.Agents;

/// <summary>A start-up screen the profile knows (trust this folder, theme picker) and the keys that answer it.</summary>
public sealed record StartupRule(string Name, Regex Match, IReadOnlyList<string> Keys);
