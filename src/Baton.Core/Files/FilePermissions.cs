namespace Baton.Core.Files;

/// <summary>Who may do what with a file Baton writes (Unix modes; ignored where there are none).</summary>
public enum FilePermissions
{
    /// <summary>What the process's umask gives a new file.</summary>
    Default,

    /// <summary>0755: a script others run (the <c>baton</c> shim agents call).</summary>
    Executable,

    /// <summary>0600: a file holding a secret, readable by its owner only.</summary>
    Private,
}
