using System.Runtime.InteropServices;

namespace Baton.Cli.Scripted;

/// <summary>
/// Puts the terminal into non-canonical, no-echo mode so single keys (a "y" answer) arrive at once.
/// Done with tcsetattr directly rather than by running `stty`: .NET restores its own idea of the
/// terminal settings around child processes that share the terminal, which undid the `stty` call.
/// </summary>
internal sealed class RawTerminal : IDisposable
{
    // struct termios on Linux: c_iflag, c_oflag, c_cflag, c_lflag (4 bytes each), c_line, c_cc[32], speeds.
    private const int TermiosSize = 64;
    private const int IFlagOffset = 0;
    private const int LFlagOffset = 12;
    private const int CcOffset = 17;
    private const int VTime = 5;
    private const int VMin = 6;
    private const uint Isig = 0x1, Icanon = 0x2, Echo = 0x8, Ixon = 0x400;
    private const int TcsaNow = 0;

    private readonly byte[]? _original;

    public RawTerminal()
    {
        var current = new byte[TermiosSize];
        if (!OperatingSystem.IsLinux() || tcgetattr(0, current) != 0)
        {
            return; // not a terminal (or not Linux): input arrives line by line, which still works
        }

        _original = (byte[])current.Clone();
        var lflag = BitConverter.ToUInt32(current, LFlagOffset) & ~(Icanon | Echo | Isig);
        var iflag = BitConverter.ToUInt32(current, IFlagOffset) & ~Ixon;
        BitConverter.TryWriteBytes(current.AsSpan(LFlagOffset, 4), lflag);
        BitConverter.TryWriteBytes(current.AsSpan(IFlagOffset, 4), iflag);
        current[CcOffset + VMin] = 1;
        current[CcOffset + VTime] = 0;
        tcsetattr(0, TcsaNow, current);
    }

    public void Dispose()
    {
        if (_original is not null)
        {
            tcsetattr(0, TcsaNow, _original);
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int tcgetattr(int fd, [Out] byte[] termios);

    [DllImport("libc", SetLastError = true)]
    private static extern int tcsetattr(int fd, int optionalActions, byte[] termios);
}
