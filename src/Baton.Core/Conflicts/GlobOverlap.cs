namespace Baton.Core.Conflicts;

/// <summary>
/// Whether two path patterns can match the same file, under <see cref="Glob"/>'s rules (the conflict
/// radar's: <c>*</c> within a segment, <c>**</c> across segments, <c>?</c> one character, a trailing
/// '/' or a plain folder name covering everything under it). Each pattern is turned into a small
/// automaton and the pair is walked together: the answer is exact, not a guess from prefixes, so
/// <c>src/**/*.cs</c> and <c>src/api/x.cs</c> overlap while <c>src/*.cs</c> and <c>src/api/x.cs</c> do not.
/// </summary>
public static class GlobOverlap
{
    /// <summary>True when some path matches both <paramref name="a"/> and <paramref name="b"/>.</summary>
    public static bool Overlaps(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var left = Automaton.From(a);
        var right = Automaton.From(b);
        var seen = new HashSet<(int, int)>();
        var work = new Stack<(int, int)>();
        foreach (var i in left.Closure(0))
        {
            foreach (var j in right.Closure(0))
            {
                if (seen.Add((i, j)))
                {
                    work.Push((i, j));
                }
            }
        }

        while (work.Count > 0)
        {
            var (i, j) = work.Pop();
            if (i == left.Accept && j == right.Accept)
            {
                return true;
            }

            foreach (var (ci, ni) in left.Steps(i))
            {
                foreach (var (cj, nj) in right.Steps(j))
                {
                    if (!Compatible(ci, cj))
                    {
                        continue;
                    }

                    foreach (var x in left.Closure(ni))
                    {
                        foreach (var y in right.Closure(nj))
                        {
                            if (seen.Add((x, y)))
                            {
                                work.Push((x, y));
                            }
                        }
                    }
                }
            }
        }

        return false;
    }

    // A step reads one character: a given one, any but '/', or any at all. Two steps can read the
    // same character unless both are given and differ, or one is '/' and the other excludes it.
    private static bool Compatible(Step a, Step b) => (a.Kind, b.Kind) switch
    {
        (StepKind.Exact, StepKind.Exact) => a.Char == b.Char,
        (StepKind.Exact, StepKind.NotSlash) => a.Char != '/',
        (StepKind.NotSlash, StepKind.Exact) => b.Char != '/',
        _ => true,
    };

    private enum StepKind
    {
        Exact,
        NotSlash,
        Any,
    }

    private readonly record struct Step(StepKind Kind, char Char);

    /// <summary>States 0..Accept; each has character steps and empty moves, built the way <see cref="Glob.ToRegex"/> reads a pattern.</summary>
    private sealed class Automaton
    {
        private readonly List<List<(Step, int)>> _steps = [];
        private readonly List<List<int>> _empty = [];

        public int Accept { get; private set; }

        public static Automaton From(string pattern)
        {
            var p = pattern.Trim().TrimStart('/');
            if (p.EndsWith('/'))
            {
                p += "**";
            }

            var m = new Automaton();
            var state = m.Add();
            for (var i = 0; i < p.Length; i++)
            {
                var c = p[i];
                if (c == '*' && i + 1 < p.Length && p[i + 1] == '*')
                {
                    var slash = i + 2 < p.Length && p[i + 2] == '/';
                    if (slash)
                    {
                        // (?:.*/)? : nothing, or anything that ends with '/'.
                        var loop = m.Add();
                        var after = m.Add();
                        m.Empty(state, after);
                        m.Empty(state, loop);
                        m.Move(loop, new Step(StepKind.Any, '\0'), loop);
                        m.Move(loop, new Step(StepKind.Exact, '/'), after);
                        state = after;
                        i += 2;
                    }
                    else
                    {
                        state = m.Repeat(state, new Step(StepKind.Any, '\0'));
                        i += 1;
                    }
                }
                else if (c == '*')
                {
                    state = m.Repeat(state, new Step(StepKind.NotSlash, '\0'));
                }
                else
                {
                    var next = m.Add();
                    m.Move(state, c == '?' ? new Step(StepKind.NotSlash, '\0') : new Step(StepKind.Exact, c), next);
                    state = next;
                }
            }

            if (!p.Contains('*', StringComparison.Ordinal) && !p.Contains('?', StringComparison.Ordinal))
            {
                // A plain name also covers everything under it: (?:/.*)?
                var under = m.Add();
                var end = m.Add();
                m.Empty(state, end);
                m.Move(state, new Step(StepKind.Exact, '/'), under);
                m.Empty(under, end);
                m.Move(under, new Step(StepKind.Any, '\0'), under);
                state = end;
            }

            m.Accept = state;
            return m;
        }

        public IEnumerable<(Step, int)> Steps(int state) => _steps[state];

        /// <summary>The states reachable from <paramref name="state"/> without reading anything, itself included.</summary>
        public IReadOnlyList<int> Closure(int state)
        {
            var found = new List<int> { state };
            var seen = new HashSet<int> { state };
            for (var k = 0; k < found.Count; k++)
            {
                foreach (var next in _empty[found[k]])
                {
                    if (seen.Add(next))
                    {
                        found.Add(next);
                    }
                }
            }

            return found;
        }

        private int Add()
        {
            _steps.Add([]);
            _empty.Add([]);
            return _steps.Count - 1;
        }

        private void Move(int from, Step step, int to) => _steps[from].Add((step, to));

        private void Empty(int from, int to) => _empty[from].Add(to);

        // x* : a state that loops on x, entered and left without reading.
        private int Repeat(int state, Step step)
        {
            var loop = Add();
            Empty(state, loop);
            Move(loop, step, loop);
            return loop;
        }
    }
}
