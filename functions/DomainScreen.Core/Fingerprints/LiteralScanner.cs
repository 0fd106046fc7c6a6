using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text;

namespace DomainScreen.Core.Fingerprints;

/// <summary>Told of a literal found in the text; returns true when the find counts toward the literal's limit.</summary>
internal delegate bool LiteralFound(int literal, int at);

/// <summary>
/// <see cref="LiteralFound"/> as a struct: the scan is compiled for each such type, so the call is direct (and may be
/// inlined) and a scan allocates no delegate or closure.
/// </summary>
internal interface ILiteralFound
{
    bool Found(int literal, int at);
}

/// <summary>
/// Finds many literals (case-insensitive, mixed Chinese and English) in one pass over a text.
/// <para>
/// Literals come in three kinds, each found its own way, and the three streams of positions are merged in text order.
/// No character outside ASCII equals an ASCII one ignoring case, which is what lets ASCII text be treated apart:
/// <list type="bullet">
/// <item><b>long ASCII</b> (six or more characters, the first six ASCII: most English literals): only every third
/// position is read, four characters at a time, and looked up among the four-character grams the long literals have at
/// offsets 0, 1 and 2 (see <see cref="NextLong"/>);</item>
/// <item><b>short ASCII</b> (fewer than six, all ASCII): 64 positions at a time against tables of their first four
/// characters (see <see cref="ShortFilter"/>) where the hardware has AVX-512 VBMI, elsewhere the runtime's vectorised
/// multi-string search, which stays on its fast path for a few dozen strings;</item>
/// <item><b>the others</b> (a character outside ASCII among the first six: Chinese terms, "AI换脸"): compared only at
/// positions up to five before such a character or inside a run of them; ASCII text between is stepped over by vector.</item>
/// </list>
/// </para>
/// <para>
/// For the others, bit tables over hashed lower-cased characters say where a literal may start: the first two characters of every
/// literal, then the first three of the longer ones, then the first four of those of four or more; at each level a
/// second table marks the literals that end there (two- and three-character literals). Only where all levels say yes
/// are the literals filed under that slot compared, first by their four leading characters as one number, then in
/// full. A literal can start nowhere else, so nothing is missed; the prefilter only passes fewer false positions the
/// deeper it goes (Chinese text passes "一键" for <c>一键换脸</c> far more often than "一键换").
/// </para>
/// <para>
/// A literal that has reached its limit in this text is dead, and the first time the scan meets it again it is killed:
/// when every literal under a bit is killed the bit is cleared for the rest of the scan, so a page that repeats its
/// words pays for their comparison twice, and a word the page has once costs no killing.
/// </para>
/// Immutable and thread-safe; each thread keeps its own copy of the tables and undoes a scan's changes afterwards,
/// so a scan allocates nothing and costs no copy per page.
/// </summary>
internal sealed class LiteralScanner
{
    private const int PairSlots = 1 << 16, TripleSlots = 1 << 18, QuadSlots = 1 << 18, GramSlots = 1 << GramBits;

    /// <summary>Literals this long whose first characters are all ASCII are found from every third position (see <see cref="NextLong"/>).</summary>
    private const int LongLength = 6;

    /// <summary>The other literals have a character outside ASCII among their first six, so at most five ASCII ones before it.</summary>
    private const int MaxAsciiLead = LongLength - 1;

    // Four UTF-16 units read as one number: any unit outside ASCII, and the bit that folds ASCII letters together.
    private const ulong NonAscii = 0xFF80_FF80_FF80_FF80, Fold = 0x0020_0020_0020_0020;

    /// <summary><see cref="char.ToLowerInvariant"/> for every UTF-16 unit, as a table (the scan's only per-character work).</summary>
    private static readonly char[] Lower = BuildLower();

    /// <summary>
    /// For every UTF-16 unit, its lower-cased value times the pair hash's two multipliers (low and high 32 bits): the
    /// scan's pair hash is then two table reads and an exclusive or, with no multiplication in the loop.
    /// </summary>
    private static readonly ulong[] PairFactors = BuildPairFactors();

    // Table ids: a literal is filed under one bit of each level it reaches.
    private const int Pairs = 0, Triples = 1, Quads = 2, PairEnds = 3, TripleEnds = 4, Grams = 5;
    private static readonly int[] TableSlots = [PairSlots * 8, TripleSlots, QuadSlots, PairSlots, TripleSlots, GramSlots * 8];

    private readonly string[] _literals;

    /// <summary>How a literal whose keys matched is compared with the text.</summary>
    private enum Verify : byte
    {
        /// <summary>
        /// The two keys settle it: eight characters or fewer, each one that only characters equal to it ignoring case
        /// share a lower case with (all but a few: U+212A KELVIN SIGN lower-cases to k, and is not k ignoring case).
        /// Equal keys then mean equal texts, and the full comparison — for Chinese text the runtime's slow path — is skipped.
        /// </summary>
        Keys,

        /// <summary>Longer, its first eight settled by the keys as above, and the rest without case (Chinese): compared exactly.</summary>
        RestExact,

        /// <summary>Longer, its first eight settled by the keys, the rest compared ignoring case.</summary>
        RestIgnoringCase,

        /// <summary>A character among the first eight the keys do not settle (or a surrogate): compared whole, ignoring case.</summary>
        Whole,
    }

    /// <summary>
    /// What a literal's comparison reads, in one place (a candidate's literals are read one after another, and the
    /// per-literal arrays this replaced cost a cache line each): its first four lower-cased characters as one number
    /// and the mask of the characters it has, the same for characters five to eight ("news spinner" is rejected at
    /// "news, weather" without a full comparison), and how the rest is compared.
    /// </summary>
    private readonly record struct Entry(ulong Key, ulong KeyMask, ulong NextKey, ulong NextKeyMask, string Literal, int Id, Verify Verify);

    private readonly ulong[][] _tables = TableSlots.Select(n => new ulong[n / 64]).ToArray();

    // For each literal: the (table, slot) of every bit it sets, and the group counting the live literals under that bit.
    private readonly (int Table, int Slot, int Group)[][] _bitsOf;
    private readonly int[] _groupSizes;

    // Literals' entries by the slot of their last level, as offsets into one array each (CSR), longest first.
    private readonly int[] _quadStart = new int[QuadSlots + 1], _tripleEndStart = new int[TripleSlots + 1], _pairEndStart = new int[PairSlots + 1];
    private readonly Entry[] _quads, _tripleEnds, _pairEnds;
    private readonly int[] _longStart = new int[GramSlots + 1];
    private readonly Entry[] _longs;
    private readonly ulong[] _prefixes = new ulong[(1 << PrefixBits) / 64]; // the long literals' first six characters (see NextLong)
    private readonly ulong[] _tenOnly = new ulong[(1 << PrefixBits) / 64]; // first sixes whose every literal has ten, the last four ASCII
    private readonly ulong[] _tens = new ulong[(1 << PrefixBits) / 64]; // those literals' first ten characters

    // Short literals all in ASCII, found by the runtime's vectorised multi-string search (few, so it stays on its fast path).
    private readonly int[] _asciiIds, _asciiStart = new int[129]; // by lower-cased first character, longest first
    private readonly Entry[] _asciis;
    private readonly SearchValues<string>? _ascii;
    private readonly ulong _asciiAll;
    private readonly ulong[] _asciiBitOf; // by literal id: its bit in a live set of short ASCII literals (0 for others, or past 64)
    private readonly ByLiveSet<SearchValues<string>> _asciiByLive;
    private readonly ShortFilter? _shortFilter;

    public LiteralScanner(IReadOnlyList<string> literals) : this(literals, vectorisedShortSearch: true)
    {
    }

    /// <param name="literals">The literals, each of two characters or more.</param>
    /// <param name="vectorisedShortSearch">
    /// Whether short ASCII literals may be looked for 64 positions at a time where the hardware allows (tests turn it
    /// off to check the runtime's search that serves elsewhere).
    /// </param>
    internal LiteralScanner(IReadOnlyList<string> literals, bool vectorisedShortSearch)
    {
        _literals = literals.ToArray();
        var entryOf = new Entry[_literals.Length]; // by literal id
        _bitsOf = new (int, int, int)[_literals.Length][];
        var groups = new Dictionary<(int Table, int Slot), int>();
        var sizes = new List<int>();
        var quads = new List<(int Slot, int Id)>();
        var tripleEnds = new List<(int Slot, int Id)>();
        var pairEnds = new List<(int Slot, int Id)>();
        var longs = new List<(int Slot, int Id)>();
        var asciiShort = new List<int>();
        var notTenOnly = new ulong[_tenOnly.Length];
        for (var id = 0; id < _literals.Length; id++)
        {
            var literal = _literals[id];
            if (literal.Length < 2) throw new ArgumentException($"literal '{literal}' is shorter than two characters", nameof(literals));
            entryOf[id] = new Entry(Key(literal), Mask(literal.Length), literal.Length > 4 ? Key(literal.AsSpan(4)) : 0,
                literal.Length > 4 ? Mask(literal.Length - 4) : 0, literal, id, VerifyOf(literal));
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
            if (IsLong(literal))
            {
                // Filed under its four-character grams at offsets 0, 1 and 2 (bit 8 × gram + offset: a byte per gram).
                for (var offset = 0; offset < 3; offset++) File(Grams, GramSlot(Gram(literal.AsSpan(offset))) * 8 + offset);
                longs.Add((GramSlot(Gram(literal)), id));
                var prefix = PrefixSlot(Gram(literal), Gram(literal.AsSpan(2)));
                _prefixes[prefix >> 6] |= 1UL << prefix;
                if (literal.Length >= 10 && Ascii.IsValid(literal.AsSpan(6, 4)))
                {
                    var ten = TenSlot(Gram(literal), Gram(literal.AsSpan(2)), Gram(literal.AsSpan(6)));
                    _tens[ten >> 6] |= 1UL << ten;
                }
                else
                {
                    notTenOnly[prefix >> 6] |= 1UL << prefix;
                }
                _bitsOf[id] = bits.ToArray();
                continue;
            }
            if (Ascii.IsValid(literal))
            {
                asciiShort.Add(id);
                _bitsOf[id] = [];
                continue;
            }
            var pair = PairSlot(Lower[literal[0]], Lower[literal[1]]);
            File(Pairs, pair * 8); // a byte per pair: the scan's commonest test is one load
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
        for (var k = 0; k < _tenOnly.Length; k++) _tenOnly[k] = _prefixes[k] & ~notTenOnly[k];
        Entry[] Entries(int[] ids) => ids.Select(id => entryOf[id]).ToArray();
        _quads = Entries(Pack(quads.OrderByDescending(t => _literals[t.Id].Length).ToList(), _quadStart));
        _tripleEnds = Entries(Pack(tripleEnds, _tripleEndStart));
        _pairEnds = Entries(Pack(pairEnds, _pairEndStart));
        _longs = Entries(Pack(longs.OrderByDescending(t => _literals[t.Id].Length).ToList(), _longStart));
        _asciiIds = Pack(asciiShort.Select(id => ((int)Lower[_literals[id][0]], id)).OrderByDescending(t => _literals[t.id].Length).ToList(), _asciiStart);
        _asciis = Entries(_asciiIds);
        _ascii = _asciiIds.Length > 0 ? SearchValues.Create(_asciiIds.Select(id => _literals[id]).ToArray(), StringComparison.OrdinalIgnoreCase) : null;
        // Past 64 of them the searches are not narrowed (still exact: the search then stops at dead ones too).
        _asciiBitOf = new ulong[_literals.Length];
        if (_asciiIds.Length <= 64)
        {
            for (var k = 0; k < _asciiIds.Length; k++) _asciiBitOf[_asciiIds[k]] = 1UL << k;
        }
        _asciiAll = _asciiIds.Length >= 64 ? ulong.MaxValue : (1UL << _asciiIds.Length) - 1;
        _asciiByLive = new(live => SearchValues.Create(
            Enumerable.Range(0, _asciiIds.Length).Where(k => (live & (1UL << k)) != 0).Select(k => _literals[_asciiIds[k]]).ToArray(), StringComparison.OrdinalIgnoreCase));
        if (vectorisedShortSearch && ShortFilter.IsSupported && _asciiIds.Length is > 0 and <= 64) _shortFilter = new ShortFilter(_asciiIds.Select(id => _literals[id]).ToArray());
    }

    public int Count => _literals.Length;

    public string this[int literal] => _literals[literal];

    /// <summary>
    /// Calls <paramref name="found"/> for every occurrence of a live literal, in text order (longer literals first at
    /// one position); a literal dies once <paramref name="maxHits"/> of its finds have counted.
    /// </summary>
    public void Scan(ReadOnlySpan<char> text, int maxHits, LiteralFound found)
    {
        var delegated = new Delegated(found);
        Scan(text, maxHits, ref delegated);
    }

    private readonly struct Delegated(LiteralFound found) : ILiteralFound
    {
        public bool Found(int literal, int at) => found(literal, at);
    }

    /// <inheritdoc cref="Scan(ReadOnlySpan{char}, int, LiteralFound)"/>
    public void Scan<TFound>(ReadOnlySpan<char> text, int maxHits, ref TFound found) where TFound : struct, ILiteralFound
    {
        var state = ScanState.Rent(this);
        try
        {
            // Three streams of candidate positions, merged in text order: long ASCII, the others, short ASCII.
            var tables = state.Tables;
            state.Ascii = _ascii;
            state.AsciiLive = state.AsciiSearched = _asciiAll;
            state.ShortTables = _shortFilter?.Tables;
            var nextLong = NextLong(text, 0, tables, out var gram);
            var next = NextCandidate(text, 0, tables, out var pair, out var triple, out var quad);
            var nextAscii = NextAscii(text, 0, state);
            while (nextLong >= 0 || next >= 0 || nextAscii >= 0)
            {
                var pos = Earliest(Earliest(nextLong, next), nextAscii);
                // Longest first. A long literal is the longest at its position: a longer one matched the same six ASCII
                // characters there, so it is long too. One with a character outside ASCII among its first six is longer
                // than any short ASCII one found at the same position: that one ends before the text's first such character.
                if (pos == nextLong)
                {
                    Try(text, pos, _longs, _longStart[gram], _longStart[gram + 1], maxHits, ref found, state);
                    nextLong = NextLong(text, pos + 1, tables, out gram);
                }
                if (pos == next)
                {
                    if (quad >= 0) Try(text, pos, _quads, _quadStart[quad], _quadStart[quad + 1], maxHits, ref found, state);
                    if (triple >= 0) Try(text, pos, _tripleEnds, _tripleEndStart[triple], _tripleEndStart[triple + 1], maxHits, ref found, state);
                    if (pair >= 0) Try(text, pos, _pairEnds, _pairEndStart[pair], _pairEndStart[pair + 1], maxHits, ref found, state);
                    next = NextCandidate(text, pos + 1, tables, out pair, out triple, out quad);
                }
                if (pos == nextAscii)
                {
                    // The vectorised search may stop at a character outside ASCII (a false start).
                    if ((int)Lower[text[pos]] is var first and < 128) Try(text, pos, _asciis, _asciiStart[first], _asciiStart[first + 1], maxHits, ref found, state);
                    nextAscii = NextAscii(text, pos + 1, state);
                }
            }
        }
        finally
        {
            state.Return();
        }
    }

    private static int Earliest(int a, int b) => a < 0 ? b : b < 0 ? a : Math.Min(a, b);

    /// <summary>The next place a short ASCII literal may start (the vectorised search) or starts (the runtime's), or -1 (also once all of them are killed).</summary>
    private int NextAscii(ReadOnlySpan<char> text, int from, ScanState state)
    {
        if (_shortFilter is { } filter)
        {
            if (state.AsciiLive != state.AsciiSearched)
            {
                state.ShortTables = filter.TablesFor(state.AsciiLive, state.ShortTables);
                state.AsciiSearched = state.AsciiLive;
            }
            return state.AsciiLive == 0 ? -1 : ShortFilter.Next(text, from, state.ShortTables!);
        }
        // The search stops at dead literals too ("news" on a news page, thousands of times): once one is killed (Kill
        // takes it out of the live set), search for the live ones only. Searches by live set are built once and kept (up to a
        // bound; past it the old one serves).
        if (state.AsciiLive != state.AsciiSearched)
        {
            if (state.AsciiLive == 0) state.Ascii = null;
            else state.Ascii = _asciiByLive.For(state.AsciiLive) ?? state.Ascii;
            state.AsciiSearched = state.AsciiLive;
        }
        if (state.Ascii is null || from >= text.Length) return -1;
        var at = text[from..].IndexOfAny(state.Ascii);
        return at < 0 ? -1 : from + at;
    }

    /// <summary>
    /// What a search for a set of live short literals needs, built once per set (bit k: the k-th short literal) and
    /// kept, up to a bound; past it, null (the caller keeps using the search it has, which also stops at dead ones).
    /// </summary>
    private sealed class ByLiveSet<T>(Func<ulong, T> build) where T : class
    {
        private const int Max = 4096;
        private readonly System.Collections.Concurrent.ConcurrentDictionary<ulong, T> _built = new();

        public T? For(ulong live) =>
            _built.TryGetValue(live, out var built) ? built : _built.Count >= Max ? null : _built.GetOrAdd(live, build(live));
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

    private static void Try<TFound>(ReadOnlySpan<char> text, int at, Entry[] entries, int from, int to, int maxHits, ref TFound found, ScanState state)
        where TFound : struct, ILiteralFound
    {
        var rest = text[at..];
        var key = Key(rest);
        ulong? nextKey = null;
        for (var i = from; i < to; i++)
        {
            ref readonly var entry = ref entries[i];
            if ((key & entry.KeyMask) != entry.Key) continue;
            var id = entry.Id;
            if (state.Hits[id] >= maxHits)
            {
                // Dead and met again: only now are its bits cleared. Most literals a page has occur on it once, and
                // killing each at its last find cost more than the comparisons it saved.
                if (state.Hits[id] == maxHits)
                {
                    state.Hits[id]++;
                    state.Kill(id);
                }
                continue;
            }
            // A literal of five or more matched four characters, so the text has at least four here.
            if (entry.NextKeyMask != 0 && ((nextKey ??= Key(rest[4..])) & entry.NextKeyMask) != entry.NextKey) continue;
            if (!Matches(rest, entry)) continue;
            if (!found.Found(id, at)) continue;
            if (state.Hits[id]++ == 0) state.Touched.Add(id);
        }
    }

    /// <summary>Whether the text starts with the literal whose keys matched there.</summary>
    private static bool Matches(ReadOnlySpan<char> rest, in Entry entry)
    {
        var literal = entry.Literal;
        return entry.Verify switch
        {
            Verify.Keys => true,
            Verify.RestExact => rest.Length >= literal.Length && rest[8..literal.Length].SequenceEqual(literal.AsSpan(8)),
            Verify.RestIgnoringCase => rest.Length >= literal.Length && rest[8..literal.Length].Equals(literal.AsSpan(8), StringComparison.OrdinalIgnoreCase),
            _ => rest.StartsWith(literal, StringComparison.OrdinalIgnoreCase),
        };
    }

    private static Verify VerifyOf(string literal)
    {
        if (literal.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF')) return Verify.Whole;
        foreach (var c in literal.AsSpan(0, Math.Min(8, literal.Length)))
        {
            if (!LowerDecides[c]) return Verify.Whole;
        }
        if (literal.Length <= 8) return Verify.Keys;
        foreach (var c in literal.AsSpan(8))
        {
            if (!IgnoreCase.IsCaseless(c) && !(char.IsAscii(c) && !char.IsAsciiLetter(c))) return Verify.RestIgnoringCase;
        }
        return Verify.RestExact;
    }

    /// <summary>
    /// The first position at or after <paramref name="start"/> where one of the other literals (neither long nor short
    /// ASCII) may start, or -1, with the slots whose literals to compare there (-1 for a level with none).
    /// </summary>
    private static int NextCandidate(ReadOnlySpan<char> span, int start, ulong[][] tables, out int pairEnd, out int tripleEnd, out int quad)
    {
        pairEnd = tripleEnd = quad = -1;
        var last = span.Length - 1;
        for (var from = start; from < last;)
        {
            // Every literal here has a character outside ASCII within its first six: only positions up to five before
            // such a character, and those inside a run of them, are compared; ASCII text is stepped over by vector.
            var other = span[from..].IndexOfAnyExceptInRange((char)0, (char)127);
            if (other < 0) return -1;
            other += from;
            var found = Window(span, Math.Max(from, other - MaxAsciiLead), other, tables, out pairEnd, out tripleEnd, out quad, out from);
            if (found >= 0) return found;
        }
        return -1;
    }

    /// <summary>
    /// The first position from <paramref name="from"/> to the end of the run of characters outside ASCII at
    /// <paramref name="other"/> that passes the pair, triple and quad tables, or -1 with <paramref name="end"/> where the
    /// run ended (the run's end is found on the way: runs are mostly a few characters, shorter than a vector).
    /// </summary>
    private static int Window(ReadOnlySpan<char> span, int from, int other, ulong[][] tables, out int pairEnd, out int tripleEnd, out int quad, out int end)
    {
        pairEnd = tripleEnd = quad = -1;
        ref var text = ref MemoryMarshal.GetReference(span);
        ref var lower = ref MemoryMarshal.GetArrayDataReference(Lower);
        ref var pairs = ref Unsafe.As<ulong, byte>(ref MemoryMarshal.GetArrayDataReference(tables[Pairs]));
        var pairEnds = tables[PairEnds];
        var triples = tables[Triples];
        var tripleEnds = tables[TripleEnds];
        var quads = tables[Quads];
        nint last = span.Length - 1;
        ref var factors = ref MemoryMarshal.GetArrayDataReference(PairFactors);
        var a = (uint)Unsafe.Add(ref factors, Unsafe.Add(ref text, from));
        end = (int)last;
        for (nint i = from; i < last; i++)
        {
            if (i > other && Unsafe.Add(ref text, i) < 128)
            {
                end = (int)i;
                break;
            }
            var b = Unsafe.Add(ref factors, Unsafe.Add(ref text, i + 1));
            var pair = (int)((a ^ (uint)(b >> 32)) >> 16);
            a = (uint)b;
            if (Unsafe.Add(ref pairs, pair) == 0) continue;
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
            if (found) return (int)i;
        }
        return -1;
    }

    /// <summary>
    /// The first position at or after <paramref name="from"/> where a long literal may start, or -1, with the slot of
    /// its first gram. A long literal covers six ASCII characters, so one of every three positions lies in it with
    /// four of its characters from there on: only those positions (multiples of three) are read, four characters at
    /// once, and a gram some long literal has at offset 0, 1 or 2 sends the scan back to check that start. No other
    /// character equals an ASCII one ignoring case (checked in the tests), so a gram with any other character in it
    /// is in no long literal. A start is returned only where its first six characters pass a second table, of the long
    /// literals' first six (most places a literal's first four are met are words that part from it there), and, where
    /// every long literal with those six has ten or more (the last four ASCII), where its first ten pass a third.
    /// </summary>
    private int NextLong(ReadOnlySpan<char> span, int from, ulong[][] tables, out int gram)
    {
        gram = -1;
        ref var text = ref MemoryMarshal.GetReference(span);
        ref var starts = ref MemoryMarshal.GetArrayDataReference(_prefixes);
        ref var tenOnly = ref MemoryMarshal.GetArrayDataReference(_tenOnly);
        ref var tens = ref MemoryMarshal.GetArrayDataReference(_tens);
        // A byte per slot: bit k for a long literal with this gram at offset k.
        ref var grams = ref Unsafe.As<ulong, byte>(ref MemoryMarshal.GetArrayDataReference(tables[Grams]));
        nint end = span.Length - 4, lastStart = span.Length - LongLength;
        for (var i = (nint)((from + 2) / 3 * 3); (i = NextGramStep(ref text, i, end, ref grams)) >= 0; i += 3)
        {
            var x = Read4(ref text, i);
            int offsets = Unsafe.Add(ref grams, GramSlot(x | Fold));
            for (var offset = 2; offset >= 0; offset--)
            {
                var start = i - offset;
                if ((offsets & (1 << offset)) == 0 || start < from || start > lastStart) continue;
                var first = offset == 0 ? x : Read4(ref text, start);
                if ((first & NonAscii) != 0) continue;
                var firstSlot = GramSlot(first | Fold);
                if ((Unsafe.Add(ref grams, firstSlot) & 1) == 0) continue;
                // The first six as a long literal's: "news, weather" stops here for "news spinner", "text/javascript" for "text to image".
                var third = Read4(ref text, start + 2);
                if ((third & NonAscii) != 0) continue;
                var prefix = PrefixSlot(first | Fold, third | Fold);
                if ((Unsafe.Add(ref starts, prefix >> 6) & (1UL << prefix)) == 0) continue;
                // Where every long literal that starts so has ten characters, the next four in ASCII, the text's first
                // ten as one of theirs: every "https:" of a page stops here for "https://big-agi.com", few go on to compare.
                if ((Unsafe.Add(ref tenOnly, prefix >> 6) & (1UL << prefix)) != 0)
                {
                    if (start + 10 > span.Length) continue;
                    var seventh = Read4(ref text, start + 6);
                    if ((seventh & NonAscii) != 0) continue;
                    var ten = TenSlot(first | Fold, third | Fold, seventh | Fold);
                    if ((Unsafe.Add(ref tens, ten >> 6) & (1UL << ten)) == 0) continue;
                }
                gram = firstSlot;
                return (int)start;
            }
        }
        return -1;
    }

    /// <summary>
    /// From step <paramref name="i"/> (up to <paramref name="end"/>), the first whose four characters are ASCII and whose
    /// gram's byte in the table is set, or -1. A loop of its own, so that its constants stay in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static nint NextGramStep(ref char text, nint i, nint end, ref byte grams)
    {
        var constants = GramConstants; // not folded: the JIT would otherwise write each 64-bit constant afresh every step
        var (nonAscii, fold, multiplier) = (constants[0], constants[1], constants[2]);
        for (; i <= end; i += 3)
        {
            var x = Read4(ref text, i);
            if ((x & nonAscii) == 0 && Unsafe.Add(ref grams, (nint)(((x | fold) * multiplier) >> (64 - GramBits))) != 0) return i;
        }
        return -1;
    }

    // 2^16 six-character starts, a bit each: 8 KB (the long literals' starts set under 1 % of them).
    private const int PrefixBits = 16;

    /// <summary>The slot of a six-character start read as two folded grams, at its offsets 0 and 2.</summary>
    private static int PrefixSlot(ulong first, ulong third) => (int)(((first * GramMultiplier) ^ (third * 0xC2B2AE3D27D4EB4FUL)) >> (64 - PrefixBits));

    /// <summary>The slot of a ten-character start read as three folded grams, at its offsets 0, 2 and 6.</summary>
    private static int TenSlot(ulong first, ulong third, ulong seventh) =>
        (int)(((first * GramMultiplier) ^ (third * 0xC2B2AE3D27D4EB4FUL) ^ (seventh * 0x165667B19E3779F9UL)) >> (64 - PrefixBits));

    private static ulong Read4(ref char text, nint at) => Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<char, byte>(ref Unsafe.Add(ref text, at)));

    private static bool IsLong(string literal) => literal.Length >= LongLength && Ascii.IsValid(literal.AsSpan(0, LongLength));

    /// <summary>Four characters of a long literal, read as <see cref="NextLong"/> reads the text (so in either byte order), folded.</summary>
    private static ulong Gram(ReadOnlySpan<char> text) => Read4(ref MemoryMarshal.GetReference(text[..4]), 0) | Fold;

    // 2^15 grams, a byte each: 32 KB, the size of a core's first-level cache (the long literals' grams fill 3 % of them).
    private const int GramBits = 15;
    private const ulong GramMultiplier = 0x9E3779B97F4A7C15UL;

    private static readonly ulong[] GramConstants = [NonAscii, Fold, GramMultiplier];

    private static int GramSlot(ulong gram) => (int)((gram * GramMultiplier) >> (64 - GramBits));

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

    /// <summary>
    /// For every UTF-16 unit c: every unit with c's lower case equals c ignoring case (ordinal), so comparing lower cases
    /// is comparing ignoring case. False for the few that share a lower case with a character they do not equal.
    /// </summary>
    internal static readonly bool[] LowerDecides = BuildLowerDecides();

    private static bool[] BuildLowerDecides()
    {
        var sharing = new Dictionary<char, List<char>>();
        for (var c = 0; c < 65536; c++)
        {
            if (Lower[c] == c) continue; // most units are their own lower case and share it with no other
            if (!sharing.TryGetValue(Lower[c], out var list)) sharing[Lower[c]] = list = [Lower[c]];
            list.Add((char)c);
        }
        var decides = new bool[65536];
        Array.Fill(decides, true);
        foreach (var group in sharing.Values)
        {
            foreach (var a in group)
            {
                foreach (var b in group)
                {
                    if (!MemoryExtensions.Equals([a], [b], StringComparison.OrdinalIgnoreCase)) decides[a] = decides[b] = false;
                }
            }
        }
        return decides;
    }

    private static char[] BuildLower()
    {
        var table = new char[65536];
        for (var c = 0; c < table.Length; c++) table[c] = char.ToLowerInvariant((char)c);
        return table;
    }

    private static ulong[] BuildPairFactors()
    {
        var table = new ulong[65536];
        for (var c = 0; c < table.Length; c++) table[c] = (Lower[c] * PairFirst) | ((ulong)(Lower[c] * PairSecond) << 32);
        return table;
    }

    private const uint PairFirst = 0x9E3779B1u, PairSecond = 0x85EBCA77u;

    private static int PairSlot(char first, char second) => (int)((first * PairFirst ^ second * PairSecond) >> 16);

    private static int TripleSlot(int pairHash, char third) => (int)(((uint)pairHash * 0x27D4EB2Fu ^ third * 0x165667B1u) >> 14);

    private static int QuadSlot(int tripleHash, char fourth) => (int)(((uint)tripleHash * 0x9E3779B1u ^ fourth * 0xC2B2AE35u) >> 14);

    private static bool Has(ulong[] bits, int slot) => (bits[slot >> 6] & (1UL << slot)) != 0;

    private static void Set(ulong[] bits, int slot) => bits[slot >> 6] |= 1UL << slot;

    private static void Clear(ulong[] bits, int slot) => bits[slot >> 6] &= ~(1UL << slot);

    /// <summary>
    /// Short ASCII literals (up to 64, fewer than six characters) looked for 64 positions at a time: for each of a
    /// literal's first four characters, a 64-entry table says which of eight groups of literals have that character
    /// there (ASCII letters folded together, the entry chosen by the character's low six bits, so unlike characters
    /// may share one: a false start, never a miss). A position passes when some group has all four of its characters
    /// in place; a literal shorter than four passes any character past its end. Found with AVX-512 VBMI's byte
    /// permutation (one instruction per table and 64 positions); where it is missing the runtime's search serves.
    /// </summary>
    private sealed class ShortFilter
    {
        private const int Width = 4, Groups = 8, Entries = 64;

        private readonly string[] _literals;
        private readonly ByLiveSet<byte[]> _byLive;

        public ShortFilter(string[] literals)
        {
            _literals = literals;
            Tables = Build(ulong.MaxValue);
            _byLive = new(Build);
        }

        public static bool IsSupported => Avx512Vbmi.IsSupported;

        /// <summary>The four tables of 64 entries, one after another (a bit per group).</summary>
        public byte[] Tables { get; }

        /// <summary>The tables for the live literals (bit k: the k-th); past the bound of kept sets, the current ones.</summary>
        public byte[] TablesFor(ulong live, byte[]? current) => _byLive.For(live) ?? current ?? Tables;

        private byte[] Build(ulong live)
        {
            var tables = new byte[Width * Entries];
            for (var k = 0; k < _literals.Length; k++)
            {
                if ((live & (1UL << k)) == 0) continue;
                var literal = _literals[k];
                var group = (byte)(1 << (k % Groups));
                for (var j = 0; j < Width; j++)
                {
                    if (j >= literal.Length)
                    {
                        for (var e = 0; e < Entries; e++) tables[j * Entries + e] |= group;
                    }
                    else
                    {
                        tables[j * Entries + EntryOf(literal[j])] |= group;
                    }
                }
            }
            return tables;
        }

        private static int EntryOf(char c) => (c | 0x20) & (Entries - 1);

        /// <summary>The first position at or after <paramref name="from"/> that passes the tables, or -1.</summary>
        public static int Next(ReadOnlySpan<char> span, int from, byte[] tables)
        {
            ref var units = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(span));
            var i = from;
            if (span.Length >= Entries + Width)
            {
                ref var t = ref MemoryMarshal.GetArrayDataReference(tables);
                var t0 = Vector512.LoadUnsafe(ref t, 0);
                var t1 = Vector512.LoadUnsafe(ref t, Entries);
                var t2 = Vector512.LoadUnsafe(ref t, 2 * Entries);
                var t3 = Vector512.LoadUnsafe(ref t, 3 * Entries);
                var fold = Vector512.Create((byte)0x20);
                // Blocks of 64 positions with a whole block after them: each block's characters are read once, their low
                // bytes picked by one permutation, and the three views one to three characters on are taken from it and
                // the next (the byte permutations are what bounds this loop: three fewer narrowings per block).
                if (i + 2 * Entries <= span.Length)
                {
                    ref var order = ref MemoryMarshal.GetArrayDataReference(ShortOrder);
                    var (low, on1, on2, on3) = (Vector512.LoadUnsafe(ref order), Vector512.LoadUnsafe(ref order, 64),
                        Vector512.LoadUnsafe(ref order, 128), Vector512.LoadUnsafe(ref order, 192));
                    var block = LowBytes(ref units, i, low) | fold;
                    for (; i + 2 * Entries <= span.Length; i += Entries)
                    {
                        var after = LowBytes(ref units, i + Entries, low) | fold;
                        var m = Avx512Vbmi.PermuteVar64x8(t0, block)
                            & Avx512Vbmi.PermuteVar64x8(t1, Avx512Vbmi.PermuteVar64x8x2(block, on1, after))
                            & Avx512Vbmi.PermuteVar64x8(t2, Avx512Vbmi.PermuteVar64x8x2(block, on2, after))
                            & Avx512Vbmi.PermuteVar64x8(t3, Avx512Vbmi.PermuteVar64x8x2(block, on3, after));
                        var found = ~Vector512.Equals(m, Vector512<byte>.Zero).ExtractMostSignificantBits();
                        if (found != 0) return i + BitOperations.TrailingZeroCount(found);
                        block = after;
                    }
                }
                // The rest: blocks of 64 positions with the three characters after them in the text; the last block overlaps.
                var last = span.Length - Entries - (Width - 1);
                for (; i <= last + Entries - 1; i += Entries)
                {
                    var at = Math.Min(i, last);
                    var m = Avx512Vbmi.PermuteVar64x8(t0, Bytes(ref units, at) | fold)
                        & Avx512Vbmi.PermuteVar64x8(t1, Bytes(ref units, at + 1) | fold)
                        & Avx512Vbmi.PermuteVar64x8(t2, Bytes(ref units, at + 2) | fold)
                        & Avx512Vbmi.PermuteVar64x8(t3, Bytes(ref units, at + 3) | fold);
                    var hits = ~Vector512.Equals(m, Vector512<byte>.Zero).ExtractMostSignificantBits() >> (i - at);
                    if (hits != 0) return i + BitOperations.TrailingZeroCount(hits);
                }
                i = Math.Max(from, last + Entries);
            }
            // The last positions (or a short text), one by one; characters past the end pass.
            for (; i < span.Length; i++)
            {
                var m = 0xFF;
                for (var j = 0; j < Width && m != 0; j++) m &= i + j < span.Length ? tables[j * Entries + EntryOf((char)Unsafe.Add(ref units, i + j))] : 0xFF;
                if (m != 0) return i;
            }
            return -1;
        }

        /// <summary>64 characters from <paramref name="at"/>, each cut to its low byte by one permutation of the two loads' bytes (<paramref name="low"/>).</summary>
        private static Vector512<byte> LowBytes(ref ushort units, int at, Vector512<byte> low) =>
            Avx512Vbmi.PermuteVar64x8x2(Vector512.LoadUnsafe(ref units, (nuint)at).AsByte(), low, Vector512.LoadUnsafe(ref units, (nuint)(at + 32)).AsByte());

        /// <summary>
        /// Byte permutations of two vectors (indices 64 and up pick from the second): the low bytes of 64 characters, then
        /// a block's bytes one, two and three characters on (the last ones from the next block).
        /// </summary>
        private static readonly byte[] ShortOrder = Enumerable.Range(0, 64).Select(j => (byte)(2 * j))
            .Concat(Enumerable.Range(1, 3).SelectMany(k => Enumerable.Range(0, 64).Select(j => (byte)(j + k)))).ToArray();

        /// <summary>64 characters from <paramref name="at"/>, each cut to its low byte (a character outside ASCII may then pass: a false start).</summary>
        private static Vector512<byte> Bytes(ref ushort units, int at) =>
            Vector512.Narrow(Vector512.LoadUnsafe(ref units, (nuint)at), Vector512.LoadUnsafe(ref units, (nuint)(at + 32)));
    }

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

        /// <summary>
        /// This scan's search for short ASCII literals, the set of them still live (bit k: the k-th; cleared by
        /// <see cref="Kill"/>) and the set the search was built for.
        /// </summary>
        public SearchValues<string>? Ascii { get; set; }
        public ulong AsciiLive { get; set; }
        public ulong AsciiSearched { get; set; }

        /// <summary>The vectorised short search's tables for the live set (the scanner's own until one is killed).</summary>
        public byte[]? ShortTables { get; set; }
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
            AsciiLive &= ~_owner._asciiBitOf[id];
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
