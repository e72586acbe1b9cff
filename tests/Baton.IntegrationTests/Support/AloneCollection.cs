using Xunit;

namespace Baton.IntegrationTests.Support;

/// <summary>Tests that must not run beside others in this process (xunit runs this collection alone, after the parallel ones).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneCollection
{
    public const string Name = "alone";
}
