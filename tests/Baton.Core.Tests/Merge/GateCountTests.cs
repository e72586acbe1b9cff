using Baton.Core.Merge;
using Xunit;

namespace Baton.Core.Tests.Merge;

public sealed class GateCountTests
{
    [Theory]
    [InlineData("3 passed, 1 failed", 3, 1, null)]
    [InlineData("Passed!  - Failed:     0, Passed:    12, Skipped:     1, Total:    13", 12, 0, 1)]
    [InlineData("tests: 324 passed, 0 failed, 2 skipped", 324, 0, 2)]
    [InlineData("nothing to count here", null, null, null)]
    public void Counts_are_read_from_common_runner_output(string output, int? passed, int? failed, int? skipped)
    {
        int? p = null, f = null, s = null;

        GateRunner.Count(output, ref p, ref f, ref s);

        Assert.Equal((passed, failed, skipped), (p, f, s));
    }
}
