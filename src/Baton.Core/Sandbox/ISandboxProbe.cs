namespace Baton.Core.Sandbox;

/// <summary>Asks the machine about confinement (bubblewrap, user namespaces) and resolves the folders a sandbox needs.</summary>
public interface ISandboxProbe
{
    /// <summary>Looked up once per process: bubblewrap's path and version, and a trial namespace.</summary>
    SandboxHost Probe();

    /// <summary>
    /// The folders to make visible for a program: the one it is found in, and the install its link
    /// points into (an npm install's prefix, the parent of its <c>node_modules</c>; else the
    /// resolved file's folder).
    /// </summary>
    IReadOnlyList<string> InstallRoots(string executable);
}
