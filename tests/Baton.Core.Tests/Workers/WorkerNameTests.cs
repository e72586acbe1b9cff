using Baton.Core;
using Baton.Core.Workers;
using Xunit;

namespace Baton.Core.Tests.Workers;

public sealed class WorkerNameTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("auth-worker")]
    [InlineData("w-1")]
    [InlineData("0123456789012345678901234567890123456789")]
    public void Valid_names_pass(string name) => Assert.Equal(name, WorkerName.Validate(name));

    [Theory]
    [InlineData("")]
    [InlineData("Auth")]
    [InlineData("a_b")]
    [InlineData("a b")]
    [InlineData("../x")]
    [InlineData("a;rm")]
    [InlineData("01234567890123456789012345678901234567890")]
    public void Invalid_names_are_usage_errors_that_say_what_is_allowed(string name)
    {
        var e = Assert.Throws<BatonException>(() => WorkerName.Validate(name));
        Assert.Equal(BatonException.UsageExitCode, e.ExitCode);
        Assert.Contains("lowercase letters, digits or '-'", e.Message);
    }

    [Fact]
    public void Generated_names_are_valid_and_avoid_taken_ones()
    {
        var taken = new HashSet<string>();
        var random = new Random(7);
        for (var i = 0; i < 300; i++)
        {
            var name = WorkerName.Generate(taken.Contains, random);
            Assert.True(WorkerName.IsValid(name), name);
            Assert.True(taken.Add(name), name);
        }
    }
}
