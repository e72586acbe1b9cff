namespace Baton.IntegrationTests.GitHub;

/// <summary>A pull request of the fake GitHub; tests change its state and reviews (under its lock).</summary>
public sealed class FakePull(int number, string head, string baseBranch, string title, string body)
{
    public int Number { get; } = number;
    public string Head { get; } = head;
    public string Base { get; } = baseBranch;
    public string Title { get; } = title;
    public string Body { get; } = body;
    public string State { get; set; } = "open";
    public bool Merged { get; set; }
    public List<(string User, string State)> Reviews { get; } = [];
}
