namespace Baton.IntegrationTests.Support;

/// <summary>One test's database on a <see cref="PostgresServer"/>: its URL (no password), a full connection string, and the password.</summary>
public sealed record PostgresDatabase(string Name, string Url, string ConnectionString, string Password);
