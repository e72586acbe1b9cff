namespace Baton.IntegrationTests.Support;

public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The recorded screens, streams and hook payloads of the real agents, kept in the repository (tests/fixtures) so a clone can run every test.</summary>
    public static string Fixtures => Path.Combine(Root, "tests", "fixtures");

    /// <summary>
    /// How to run baton: BATON_BIN (the published AOT binary, as CI uses it) or the build output
    /// of src/Baton.Cli under `dotnet`.
    /// </summary>
    public static IReadOnlyList<string> Baton { get; } = FindBaton();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Baton.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("cannot find Baton.slnx above " + AppContext.BaseDirectory);
    }

    private static IReadOnlyList<string> FindBaton()
    {
        var bin = Environment.GetEnvironmentVariable("BATON_BIN");
        if (!string.IsNullOrEmpty(bin))
        {
            return [Path.GetFullPath(bin)];
        }

        var config = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = Path.Combine(FindRoot(), "src", "Baton.Cli", "bin", config, "net10.0", "baton.dll");
        return ["dotnet", dll];
    }
}
