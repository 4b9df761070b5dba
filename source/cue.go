package source

import (
	"strconv"
)

// alignCUE is align for a CUE string literal: "…", """…""" (indentation
// stripped), and the raw forms #"…"# whose escapes are \#n.
func alignCUE(src []byte, start int, val string, at func(v, s int)) (int, bool) {
	s := start
	hashes := 0
	for s < len(src) && src[s] == '#' {
		hashes++
		s++
	}
	if s >= len(src) || (src[s] != '"' && src[s] != '\'') {
		return 0, false
	}
	q := src[s]
	multi := s+2 < len(src) && src[s+1] == q && src[s+2] == q
	if multi {
		for s < len(src) && src[s] != '\n' {
			s++
		}
		s++
	} else {
		s++
	}
	v, last := 0, s
	for v < len(val) {
		if s >= len(src) {
			return 0, false
		}
		c := src[s]
		if c == '\\' && hasHashes(src[s+1:], hashes) {
			esc := src[s+1+hashes:]
			dec, n := unescapeCUE(append([]byte{'\\'}, esc...))
			if n == 0 || v+len(dec) > len(val) || val[v:v+len(dec)] != dec {
				return 0, false
			}
			for k := range len(dec) {
				at(v+k, s)
			}
			v, s = v+len(dec), s+hashes+n
			last = s
			continue
		}
		switch {
		case c == val[v]:
			at(v, s)
			v, s, last = v+1, s+1, s+1
		case multi && isSpace(c):
			s++ // indentation stripped from multi-line strings
		default:
			return 0, false
		}
	}
	return last, true
}

func hasHashes(b []byte, n int) bool {
	if len(b) < n {
		return false
	}
	for i := range n {
		if b[i] != '#' {
			return false
		}
	}
	return true
}

// unescapeCUE decodes one CUE escape sequence at the start of b. An
// interpolation "\(" is not an escape: it yields n == 0 and the caller treats
// the string as computed.
func unescapeCUE(b []byte) (string, int) {
	if len(b) < 2 || b[1] == '(' {
		return "", 0
	}
	simple := map[byte]string{
		'a': "\a", 'b': "\b", 'f': "\f", 'n': "\n", 'r': "\r", 't': "\t", 'v': "\v",
		'\\': "\\", '/': "/", '"': "\"", '\'': "'",
	}
	if d, ok := simple[b[1]]; ok {
		return d, 2
	}
	width := map[byte]int{'x': 2, 'u': 4, 'U': 8}[b[1]]
	if width > 0 && len(b) >= 2+width {
		if r, err := strconv.ParseUint(string(b[2:2+width]), 16, 32); err == nil {
			if b[1] == 'x' {
				return string([]byte{byte(r)}), 2 + width
			}
			return string(rune(r)), 2 + width
		}
	}
	if b[1] >= '0' && b[1] <= '7' && len(b) >= 4 {
		if r, err := strconv.ParseUint(string(b[1:4]), 8, 8); err == nil {
			return string([]byte{byte(r)}), 4
		}
	}
	return "", 0
}
