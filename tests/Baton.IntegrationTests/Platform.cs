// Baton drives tmux and reads /proc: its tests run on Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
