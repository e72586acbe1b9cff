using System.Text.Json;

namespace Baton.IntegrationTests.Support;

public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public JsonElement Json() => JsonDocument.Parse(Stdout).RootElement.Clone();

    public CliResult Ok()
    {
        if (ExitCode != 0)
        {
            throw new Xunit.Sdk.XunitException($"baton exited {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}");
        }

        return this;
    }
}
