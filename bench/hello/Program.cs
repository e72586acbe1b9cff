// Native-AOT start-up baseline for bench/run.sh: process start, runtime init, one write, exit.
Console.WriteLine("hello");
