namespace Baton.IntegrationTests.GitHub;

/// <summary>An issue (or a pull request as the issues list shows it) of the fake GitHub.</summary>
public sealed class FakeIssue(int number, string title, string body, List<string> labels, bool isPull)
{
    public int Number { get; } = number;
    public string Title { get; } = title;
    public string Body { get; } = body;
    public List<string> Labels { get; } = labels;
    public bool IsPull { get; } = isPull;
    public string State { get; set; } = "open";
    public List<string> Comments { get; } = [];
}
