namespace Baton.IntegrationTests.GitHub;

/// <summary>One request the fake GitHub received.</summary>
public sealed record FakeRequest(string Method, string Path, string Query, string? Authorization, string Body);
