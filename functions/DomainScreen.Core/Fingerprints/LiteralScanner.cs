using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DomainScreen.Core.Fingerprints;

/// <summary>Told of a literal found in the text; returns true when the find counts toward the literal's limit.</summary>
internal delegate bool LiteralFound(int literal, int at);

/// <summary>
/// Finds many literals (case-insensitive, mixed Chinese and English) in one pass over a text.
/// <para>
/// Bit tables over hashed lower-cased characters say where a literal may start: the first two characters of every
/// literal, then the first three of the longer ones, then the first four of those of four or more; at each level a
/// second table marks the literals that end there (two- and three-character literals). Only where all levels say yes
/// are the literals filed under that slot compared, first by their four leading characters as one number, then in
/// full. A literal can start nowhere else, so nothing is missed; the prefilter only passes fewer false positions the
/// deeper it goes (ordinary English text passes "cla" of <c>class</c> for <c>claude</c>, not "clas").
/// </para>
/// <para>
/// A literal that has reached its limit in this text is dead: when every literal under a bit is dead the bit is
/// cleared for the rest of the scan, so a page that repeats its words pays for their comparison once.
/// </para>
/// Immutable and thread-safe; each thread keeps its own copy of the tables and undoes a scan's changes afterwards,
/// so a scan allocates nothing and costs no copy per page.
/// </summary>
internal sealed class LiteralScanner
{
    private const int PairSlots = 1 << 16, TripleSlots = 1 << 18, QuadSlots = 1 << 18;

    /// <summary><see cref="char.ToLowerInvariant"/> for every UTF-16 unit, as a table (the scan's only per-character work).</summary>
    private static readonly char[] Lower = BuildLower();

    // Table ids: a literal is filed under one bit of each level it reaches.
    private const int Pairs = 0, Triples = 1, Quads = 2, PairEnds = 3, TripleEnds = 4, TableCount = 5;
    private static readonly int[] TableSlots = [PairSlots, TripleSlots, QuadSlots, PairSlots, TripleSlots];

    private readonly string[] _literals;

    // Each literal's first four lower-cased characters as one number, and the mask of the characters it has; the same
    // for characters five to eight ("news spinner" is rejected at "news, weather" without a full comparison).
    private readonly ulong[] _keys, _keyMasks, _nextKeys, _nextKeyMasks;

    private readonly ulong[][] _tables = TableSlots.Select(n => new ulong[n / 64]).ToArray();

    // For each literal: the (table, slot) of every bit it sets, and the group counting the live literals under that bit.
    private readonly (int Table, int Slot, int Group)[][] _bitsOf;
    private readonly int[] _groupSizes;

    // Literal ids by the slot of their last level, as offsets into one array each (CSR), longest first.
    private readonly int[] _quadStart = new int[QuadSlots + 1], _tripleEndStart = new int[TripleSlots + 1], _pairEndStart = new int[PairSlots + 1];
    private readonly int[] _quadIds, _tripleEndIds, _pairEndIds;

    public LiteralScanner(IReadOnlyList<string> literals)
    {
        _literals = literals.ToArray();
        _keys = new ulong[_literals.Length];
        _keyMasks = new ulong[_literals.Length];
        _nextKeys = new ulong[_literals.Length];
        _nextKeyMasks = new ulong[_literals.Length];
        _bitsOf = new (int, int, int)[_literals.Length][];
        var groups = new Dictionary<(int Table, int Slot), int>();
        var sizes = new List<int>();
        var quads = new List<(int Slot, int Id)>();
        var tripleEnds = new List<(int Slot, int Id)>();
        var pairEnds = new List<(int Slot, int Id)>();
        for (var id = 0; id < _literals.Length; id++)
        {
            var literal = _literals[id];
            if (literal.Length < 2) throw new ArgumentException($"literal '{literal}' is shorter than two characters", nameof(literals));
            _keys[id] = Key(literal);
            _keyMasks[id] = Mask(literal.Length);
            _nextKeys[id] = literal.Length > 4 ? Key(literal.AsSpan(4)) : 0;
            _nextKeyMasks[id] = literal.Length > 4 ? Mask(literal.Length - 4) : 0;
            var bits = new List<(int, int, int)>();
            void File(int table, int slot)
            {
                Set(_tables[table], slot);
                if (!groups.TryGetValue((table, slot), out var group))
                {
                    groups[(table, slot)] = group = sizes.Count;
                    sizes.Add(0);
                }
                sizes[group]++;
                bits.Add((table, slot, group));
            }
            var pair = PairSlot(Lower[literal[0]], Lower[literal[1]]);
            File(Pairs, pair);
            if (literal.Length == 2)
            {
                File(PairEnds, pair);
                pairEnds.Add((pair, id));
            }
            else
            {
                var triple = TripleSlot(pair, Lower[literal[2]]);
                File(Triples, triple);
                if (literal.Length == 3)
                {
                    File(TripleEnds, triple);
                    tripleEnds.Add((triple, id));
                }
                else
                {
                    var quad = QuadSlot(triple, Lower[literal[3]]);
                    File(Quads, quad);
                    quads.Add((quad, id));
                }
            }
            _bitsOf[id] = bits.ToArray();
        }
        _groupSizes = sizes.ToArray();
        _quadIds = Pack(quads.OrderByDescending(t => _literals[t.Id].Length).ToList(), _quadStart);
        _tripleEndIds = Pack(tripleEnds, _tripleEndStart);
        _pairEndIds = Pack(pairEnds, _pairEndStart);
    }

    public int Count => _literals.Length;

    public string this[int literal] => _literals[literal];

    /// <summary>
    /// Calls <paramref name="found"/> for every occurrence of a live literal, in text order (longer literals first at
    /// one position); a literal dies once <paramref name="maxHits"/> of its finds have counted.
    /// </summary>
    public void Scan(ReadOnlySpan<char> text, int maxHits, LiteralFound found)
    {
        var state = ScanState.Rent(this);
        try
        {
            var pos = 0;
            while ((pos = NextCandidate(text, pos, state.Tables, out var pair, out var triple, out var quad)) >= 0)
            {
                // Longest first: four or more characters, then three, then two.
                if (quad >= 0) Try(text, pos, _quadIds, _quadStart[quad], _quadStart[quad + 1], maxHits, found, state);
                if (triple >= 0) Try(text, pos, _tripleEndIds, _tripleEndStart[triple], _tripleEndStart[triple + 1], maxHits, found, state);
                if (pair >= 0) Try(text, pos, _pairEndIds, _pairEndStart[pair], _pairEndStart[pair + 1], maxHits, found, state);
                pos++;
            }
        }
        finally
        {
            state.Return();
        }
    }

    /// <summary>Every occurrence of every literal, no limit (benchmarks and profiling).</summary>
    public int CountAll(ReadOnlySpan<char> text)
    {
        var hits = 0;
        Scan(text, int.MaxValue, (_, _) =>
        {
            hits++;
            return false;
        });
        return hits;
    }

    private void Try(ReadOnlySpan<char> text, int at, int[] ids, int from, int to, int maxHits, LiteralFound found, ScanState state)
    {
        var rest = text[at..];
        var key = Key(rest);
        ulong? nextKey = null;
        for (var i = from; i < to; i++)
        {
            var id = ids[i];
            if ((key & _keyMasks[id]) != _keys[id] || state.Hits[id] >= maxHits) continue;
            // A literal of five or more matched four characters, so the text has at least four here.
            if (_nextKeyMasks[id] != 0 && ((nextKey ??= Key(rest[4..])) & _nextKeyMasks[id]) != _nextKeys[id]) continue;
            if (!rest.StartsWith(_literals[id], StringComparison.OrdinalIgnoreCase)) continue;
            if (!found(id, at)) continue;
            if (state.Hits[id]++ == 0) state.Touched.Add(id);
            if (state.Hits[id] == maxHits) state.Kill(id);
        }
    }

    /// <summary>
    /// The first position at or after <paramref name="from"/> where a literal may start, or -1, with the slots whose
    /// literals to compare there (-1 for a level with none).
    /// </summary>
    private static int NextCandidate(ReadOnlySpan<char> span, int from, ulong[][] tables, out int pairEnd, out int tripleEnd, out int quad)
    {
        pairEnd = tripleEnd = quad = -1;
        ref var text = ref MemoryMarshal.GetReference(span);
        ref var lower = ref MemoryMarshal.GetArrayDataReference(Lower);
        ref var pairs = ref MemoryMarshal.GetArrayDataReference(tables[Pairs]);
        var pairEnds = tables[PairEnds];
        var triples = tables[Triples];
        var tripleEnds = tables[TripleEnds];
        var quads = tables[Quads];
        var last = span.Length - 1;
        if (from >= last) return -1;
        var a = Unsafe.Add(ref lower, Unsafe.Add(ref text, from));
        for (var i = from; i < last; i++)
        {
            var b = Unsafe.Add(ref lower, Unsafe.Add(ref text, i + 1));
            var pair = PairSlot(a, b);
            a = b;
            if ((Unsafe.Add(ref pairs, pair >> 6) & (1UL << pair)) == 0) continue;
            var found = false;
            if (Has(pairEnds, pair))
            {
                pairEnd = pair;
                found = true;
            }
            if (i + 2 <= last)
            {
                var triple = TripleSlot(pair, Unsafe.Add(ref lower, Unsafe.Add(ref text, i + 2)));
                if (Has(triples, triple))
                {
                    if (Has(tripleEnds, triple))
                    {
                        tripleEnd = triple;
                        found = true;
                    }
                    if (i + 3 <= last)
                    {
                        var q = QuadSlot(triple, Unsafe.Add(ref lower, Unsafe.Add(ref text, i + 3)));
                        if (Has(quads, q))
                        {
                            quad = q;
                            found = true;
                        }
                    }
                }
            }
            if (found) return i;
        }
        return -1;
    }

    /// <summary>The first four characters, lower-cased, as one number (missing characters are zero).</summary>
    private static ulong Key(ReadOnlySpan<char> text)
    {
        ulong key = 0;
        for (var i = Math.Min(4, text.Length) - 1; i >= 0; i--) key = (key << 16) | Lower[text[i]];
        return key;
    }

    private static ulong Mask(int characters) => characters >= 4 ? ulong.MaxValue : (1UL << (16 * characters)) - 1;

    private static int[] Pack(List<(int Slot, int Id)> entries, int[] start)
    {
        foreach (var (slot, _) in entries) start[slot + 1]++;
        for (var s = 1; s < start.Length; s++) start[s] += start[s - 1];
        var ids = new int[entries.Count];
        var next = (int[])start.Clone();
        foreach (var (slot, id) in entries) ids[next[slot]++] = id;
        return ids;
    }

    private static char[] BuildLower()
    {
        var table = new char[65536];
        for (var c = 0; c < table.Length; c++) table[c] = char.ToLowerInvariant((char)c);
        return table;
    }

    private static int PairSlot(char first, char second) => (int)((first * 0x9E3779B1u ^ second * 0x85EBCA77u) >> 16);

    private static int TripleSlot(int pairHash, char third) => (int)(((uint)pairHash * 0x27D4EB2Fu ^ third * 0x165667B1u) >> 14);

    private static int QuadSlot(int tripleHash, char fourth) => (int)(((uint)tripleHash * 0x9E3779B1u ^ fourth * 0xC2B2AE35u) >> 14);

    private static bool Has(ulong[] bits, int slot) => (bits[slot >> 6] & (1UL << slot)) != 0;

    private static void Set(ulong[] bits, int slot) => bits[slot >> 6] |= 1UL << slot;

    private static void Clear(ulong[] bits, int slot) => bits[slot >> 6] &= ~(1UL << slot);

    /// <summary>
    /// One thread's copy of the tables with the scan's hit counts; the literals a scan touched and killed are undone
    /// when it returns, so the next scan starts clean at the cost of what the last one found.
    /// </summary>
    private sealed class ScanState
    {
        [ThreadStatic] private static ScanState? t_cached;

        private readonly LiteralScanner _owner;
        private readonly int[] _live;
        private readonly List<int> _killed = [];

        private ScanState(LiteralScanner owner)
        {
            _owner = owner;
            Tables = owner._tables.Select(t => (ulong[])t.Clone()).ToArray();
            Hits = new int[owner._literals.Length];
            _live = (int[])owner._groupSizes.Clone();
        }

        public ulong[][] Tables { get; }
        public int[] Hits { get; }
        public List<int> Touched { get; } = [];

        public static ScanState Rent(LiteralScanner owner)
        {
            var state = t_cached is { } cached && cached._owner == owner ? cached : new ScanState(owner);
            t_cached = null; // a scan inside a scan on this thread gets its own
            return state;
        }

        /// <summary>Marks a literal dead: bits no live literal needs any more are cleared.</summary>
        public void Kill(int id)
        {
            _killed.Add(id);
            foreach (var (table, slot, group) in _owner._bitsOf[id])
            {
                if (--_live[group] == 0) Clear(Tables[table], slot);
            }
        }

        public void Return()
        {
            foreach (var id in _killed)
            {
                foreach (var (table, slot, group) in _owner._bitsOf[id])
                {
                    _live[group]++;
                    Set(Tables[table], slot);
                }
            }
            foreach (var id in Touched) Hits[id] = 0;
            _killed.Clear();
            Touched.Clear();
            t_cached = this;
        }
    }
}
