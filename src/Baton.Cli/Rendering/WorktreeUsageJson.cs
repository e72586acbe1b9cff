namespace Baton.Cli.Rendering;

/// <summary>Disk used by one git worktree of the repository (not the main checkout), as `baton status` shows it.</summary>
public sealed record WorktreeUsageJson(string Path, string? Ticket, string? Branch, long Bytes);

/// <summary>Every linked worktree's disk use and their total.</summary>
public sealed record WorktreeDiskJson(long TotalBytes, IReadOnlyList<WorktreeUsageJson> Worktrees)
{
    /// <summary>What is in a folder, files only, symbolic links not followed (a link out of the worktree is not its disk).</summary>
    public static long SizeOf(string dir)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint, ReturnSpecialDirectories = false };
        try
        {
            return new DirectoryInfo(dir).EnumerateFiles("*", options).Sum(f => f.Length);
        }
        catch (DirectoryNotFoundException)
        {
            return 0; // removed while we looked
        }
    }

    public static string Human(long bytes) => bytes switch
    {
        < 1024 => bytes.ToString(System.Globalization.CultureInfo.InvariantCulture) + " B",
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " KiB",
        < 1024L * 1024 * 1024 => (bytes / (1024.0 * 1024)).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " MiB",
        _ => (bytes / (1024.0 * 1024 * 1024)).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + " GiB",
    };
}
