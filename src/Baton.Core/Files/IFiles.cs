namespace Baton.Core.Files;

/// <summary>
/// The files Baton reads and writes (status pages, results, inbox tasks, memories, context files,
/// worktree folders): the one way Core reaches the disk, so its services run on an in-memory
/// file system in tests. Paths are absolute. Failures are the ones <see cref="System.IO.File"/>
/// raises: a missing file is <see cref="FileNotFoundException"/>, a missing folder
/// <see cref="DirectoryNotFoundException"/>.
/// </summary>
public interface IFiles
{
    bool FileExists(string path);

    bool DirectoryExists(string path);

    string ReadText(string path);

    /// <summary>
    /// At most the last <paramref name="bytes"/> bytes of a file another process may be writing
    /// (a headless agent's log): read without locking it and without loading all of it.
    /// </summary>
    string ReadTail(string path, long bytes);

    /// <summary>
    /// Replaces the whole file atomically (a temporary file beside it, then a rename), so a reader
    /// or a crash never sees half of it; the folder is created when missing.
    /// </summary>
    void WriteText(string path, string text, FilePermissions permissions = FilePermissions.Default);

    /// <summary>Appends to the file, creating it (and its folder) when missing.</summary>
    void AppendText(string path, string text);

    /// <summary>The files of a folder whose names match <paramref name="pattern"/> (<c>*</c> and <c>?</c>), not its subfolders.</summary>
    IReadOnlyList<FileEntry> ListFiles(string directory, string pattern);

    /// <summary>The full paths of a folder's subfolders whose names match <paramref name="pattern"/>.</summary>
    IReadOnlyList<string> ListDirectories(string directory, string pattern);

    /// <summary>Moves a file; the target's folder must exist, and an existing target is replaced only with <paramref name="overwrite"/>.</summary>
    void Move(string from, string to, bool overwrite = false);

    /// <summary>Deletes a file; nothing happens when it does not exist.</summary>
    void DeleteFile(string path);

    /// <summary>Deletes a folder and everything in it.</summary>
    void DeleteDirectory(string path);

    /// <summary>Creates a folder and its parents; nothing happens when it exists.</summary>
    void CreateDirectory(string path);
}
