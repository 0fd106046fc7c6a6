namespace DomainScreen.Core.Tests.Exports;

/// <summary>
/// A checker for the part of the STIX 2.1 patterning grammar (STIX 2.1 §9, the ANTLR grammar in the spec's annex)
/// that indicators of domain names use: an observation expression in brackets holding comparison expressions joined
/// by AND/OR (parenthesised allowed), each an object path (<c>type:property</c>), an operator (=, !=, LIKE, MATCHES,
/// IN not used here) and a string literal in single quotes with \' and \\ escapes. Written from the spec for the
/// tests; not used by the product.
/// </summary>
internal static class StixPattern
{
    public static bool IsValid(string pattern)
    {
        var p = new Parser(pattern);
        return p.Observation() && p.AtEnd;
    }

    private sealed class Parser(string s)
    {
        private int _i;

        public bool AtEnd
        {
            get
            {
                Skip();
                return _i == s.Length;
            }
        }

        public bool Observation()
        {
            Skip();
            if (!Take('[')) return false;
            if (!Or()) return false;
            Skip();
            return Take(']');
        }

        private bool Or()
        {
            if (!And()) return false;
            while (Keyword("OR")) if (!And()) return false;
            return true;
        }

        private bool And()
        {
            if (!Term()) return false;
            while (Keyword("AND")) if (!Term()) return false;
            return true;
        }

        private bool Term()
        {
            Skip();
            if (Take('('))
            {
                if (!Or()) return false;
                Skip();
                return Take(')');
            }
            return Comparison();
        }

        private bool Comparison()
        {
            Skip();
            var start = _i;
            while (_i < s.Length && (char.IsAsciiLetterLower(s[_i]) || char.IsAsciiDigit(s[_i]) || s[_i] == '-')) _i++;
            if (_i == start || !Take(':')) return false;
            var property = _i;
            while (_i < s.Length && (char.IsAsciiLetterLower(s[_i]) || char.IsAsciiDigit(s[_i]) || s[_i] is '_' or '.')) _i++;
            if (_i == property) return false;
            Skip();
            if (!(Take("!=") || Take("=") || Keyword("LIKE") || Keyword("MATCHES"))) return false;
            Skip();
            return StringLiteral();
        }

        private bool StringLiteral()
        {
            if (!Take('\'')) return false;
            while (_i < s.Length)
            {
                var c = s[_i++];
                if (c == '\\')
                {
                    if (_i >= s.Length || s[_i] is not ('\'' or '\\')) return false;
                    _i++;
                }
                else if (c == '\'')
                {
                    return true;
                }
            }
            return false;
        }

        private bool Keyword(string word)
        {
            Skip();
            if (string.CompareOrdinal(s, _i, word, 0, word.Length) != 0) return false;
            var after = _i + word.Length;
            if (after < s.Length && char.IsAsciiLetter(s[after])) return false;
            _i = after;
            return true;
        }

        private bool Take(char c)
        {
            if (_i < s.Length && s[_i] == c)
            {
                _i++;
                return true;
            }
            return false;
        }

        private bool Take(string t)
        {
            if (string.CompareOrdinal(s, _i, t, 0, t.Length) != 0) return false;
            _i += t.Length;
            return true;
        }

        private void Skip()
        {
            while (_i < s.Length && s[_i] == ' ') _i++;
        }
    }
}
