package source

import (
	"strconv"
	"unicode/utf8"

	"github.com/pipec-dev/pipec/diag"
)

// PosAt returns the source position of byte i of a scalar's Value. Escapes,
// quotes, folded line breaks and block indentation are all accounted for, so
// the position is that of the character the user typed. When the value has
// no source text of its own (Computed) the node's start is returned.
func (n *Node) PosAt(i int) diag.Pos {
	if offs := n.offsets(); offs != nil && i >= 0 && i <= len(n.Value) {
		return n.File.Pos(offs[i])
	}
	return n.Start
}

// RangeAt returns the source range of Value[i:j].
func (n *Node) RangeAt(i, j int) diag.Range { return n.rangeAt(n.offsets(), i, j) }

// RangesAt returns the source ranges of several spans of Value, each
// [start, end), mapping the value to the source once: cheaper than RangeAt
// for many references in one long script.
func (n *Node) RangesAt(spans [][2]int) []diag.Range {
	offs := n.offsets()
	out := make([]diag.Range, len(spans))
	for k, s := range spans {
		out[k] = n.rangeAt(offs, s[0], s[1])
	}
	return out
}

func (n *Node) rangeAt(offs []int, i, j int) diag.Range {
	r := n.Range()
	if offs != nil && 0 <= i && i <= j && j <= len(n.Value) {
		r.Start = n.File.Pos(offs[i])
		if j > i {
			// The end is just past the last character of the span, which
			// may be an escape sequence several bytes long in the source.
			r.End = n.File.Pos(offs[j-1] + srcCharLen(n.File.Src, offs[j-1], n.Style))
		} else {
			r.End = r.Start
		}
	}
	return r
}

// offsets maps every byte of n.Value (and one past the end) to a source
// byte offset, or returns nil when the mapping cannot be made.
func (n *Node) offsets() []int {
	if n == nil || n.File == nil || !n.IsScalar() || n.Style == Computed {
		return nil
	}
	offs := make([]int, len(n.Value)+1)
	end, ok := align(n.File.Src, n.Start.Byte, n.Style, n.Value, func(v, s int) { offs[v] = s })
	if !ok {
		return nil
	}
	offs[len(n.Value)] = end
	return offs
}

// ScalarEnd returns the byte offset just past a scalar written at start in
// src with the given style and decoded value, or -1 when the text does not
// decode to value.
func ScalarEnd(src []byte, start int, style Style, value string) int {
	end, ok := align(src, start, style, value, func(int, int) {})
	if !ok {
		return -1
	}
	if style == SingleQuoted || style == DoubleQuoted {
		// Step over trailing folded whitespace to the closing quote.
		for end < len(src) && isSpace(src[end]) {
			end++
		}
		if end < len(src) && (src[end] == '\'' || src[end] == '"') {
			end++
		}
	}
	return end
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

// align walks the source text of a scalar and its decoded value in step,
// calling at(v, s) to say that value byte v came from source byte s. It
// returns the source offset just past the last decoded byte.
//
// Rather than re-implement every YAML scanning rule, it relies on the value
// the parser already decoded: equal bytes match; whitespace in the source
// that the value lacks was folded or was indentation; whitespace in the value
// that the source lacks was produced by folding; quotes and escapes are
// decoded explicitly. Any other disagreement means the text is not what we
// think it is, and the caller falls back to the node's start.
func align(src []byte, start int, style Style, val string, at func(v, s int)) (int, bool) {
	s := start
	switch style {
	case Literal, Folded:
		// Skip the header ("|-", ">2", a comment) to the first content line.
		for s < len(src) && src[s] != '\n' {
			s++
		}
		s++
	case SingleQuoted, DoubleQuoted:
		s++ // opening quote
	case CUEString:
		return alignCUE(src, start, val, at)
	}
	v := 0
	last := s
	for v < len(val) {
		if s >= len(src) {
			return 0, false
		}
		c := src[s]
		switch {
		case style == SingleQuoted && c == '\'':
			if s+1 < len(src) && src[s+1] == '\'' && val[v] == '\'' {
				at(v, s)
				v, s, last = v+1, s+2, s+2
				continue
			}
			return 0, false
		case style == DoubleQuoted && c == '\\':
			if s+1 < len(src) && (src[s+1] == '\n' || src[s+1] == '\r') {
				s += 2 // escaped line break: contributes nothing
				continue
			}
			dec, n := unescape(src[s:])
			if n == 0 || len(dec) == 0 || v+len(dec) > len(val) || val[v:v+len(dec)] != dec {
				return 0, false
			}
			for k := range len(dec) {
				at(v+k, s)
			}
			v, s = v+len(dec), s+n
			last = s
			continue
		case style == DoubleQuoted && c == '"':
			return 0, false
		case c == val[v]:
			at(v, s)
			v, s = v+1, s+1
			last = s
			continue
		case isSpace(c):
			if (val[v] == ' ' || val[v] == '\n') && c == '\n' {
				// A folded line break: the source's newline produced it.
				at(v, s)
				v++
			}
			s++
			continue
		case val[v] == ' ' || val[v] == '\n':
			at(v, max(start, s-1))
			v++
			continue
		}
		return 0, false
	}
	return last, true
}

// unescape decodes one YAML double-quoted escape sequence at the start of b
// and returns the decoded bytes and the length of the sequence.
func unescape(b []byte) (string, int) {
	if len(b) < 2 {
		return "", 0
	}
	simple := map[byte]string{
		'0': "\x00", 'a': "\a", 'b': "\b", 't': "\t", '\t': "\t", 'n': "\n", 'v': "\v",
		'f': "\f", 'r': "\r", 'e': "\x1b", ' ': " ", '"': "\"", '/': "/", '\'': "'",
		'\\': "\\", 'N': "\u0085", '_': "\u00a0", 'L': "\u2028", 'P': "\u2029",
	}
	if d, ok := simple[b[1]]; ok {
		return d, 2
	}
	width := map[byte]int{'x': 2, 'u': 4, 'U': 8}[b[1]]
	if width == 0 || len(b) < 2+width {
		return "", 0
	}
	r, err := strconv.ParseUint(string(b[2:2+width]), 16, 32)
	if err != nil {
		return "", 0
	}
	return string(rune(r)), 2 + width
}

// srcCharLen is the length in the source of the character that starts at s:
// an escape sequence in a double-quoted scalar, a doubled quote in a single-
// quoted one, otherwise one UTF-8 character.
func srcCharLen(src []byte, s int, style Style) int {
	if s >= len(src) {
		return 0
	}
	switch {
	case style == DoubleQuoted && src[s] == '\\':
		if _, n := unescape(src[s:]); n > 0 {
			return n
		}
	case style == SingleQuoted && src[s] == '\'':
		return 2
	case style == CUEString && src[s] == '\\':
		if _, n := unescapeCUE(src[s:]); n > 0 {
			return n
		}
	}
	_, w := utf8.DecodeRune(src[s:])
	return w
}
