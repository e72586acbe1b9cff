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

    /// <summary>By index into <see cref="Reviews"/>: the review's text, and the head commit it reviewed.</summary>
    public Dictionary<int, string> ReviewBodies { get; } = [];
    public Dictionary<int, string?> ReviewCommits { get; } = [];

    /// <summary>Comments on lines of the diff; <c>Review</c> is the index into <see cref="Reviews"/> they belong to.</summary>
    public List<(int Review, string Path, int Line, string Body)> LineComments { get; } = [];

    /// <summary>A review with its text and line comments, of the given head commit.</summary>
    public void Review(string user, string state, string body, string? commit, params (string Path, int Line, string Body)[] comments)
    {
        Reviews.Add((user, state));
        ReviewBodies[Reviews.Count - 1] = body;
        ReviewCommits[Reviews.Count - 1] = commit;
        LineComments.AddRange(comments.Select(c => (Reviews.Count - 1, c.Path, c.Line, c.Body)));
    }
}
