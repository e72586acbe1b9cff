namespace Baton.Core.Config;

/// <summary>A built-in definition init writes to .baton/FOLDER/NAME.yaml.</summary>
public sealed record BuiltInFile(string Folder, string Name, string Text);
