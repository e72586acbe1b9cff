using Baton.Core.Security;
using Xunit;

namespace Baton.Core.Tests.Security;

public sealed class RedactorWithTests
{
    [Fact]
    public void A_secret_from_no_environment_variable_is_masked_once_added()
    {
        var plain = new Redactor([]);
        var token = "tok" + new string('x', 20);

        var withToken = plain.With(token);

        Assert.Equal("token " + token, plain.Redact("token " + token));
        Assert.Equal("token [REDACTED], again [REDACTED]", withToken.Redact($"token {token}, again {token}"));
        Assert.Equal("short abc", plain.With("abc").Redact("short abc")); // too short to be a secret: not masked everywhere
    }
}
