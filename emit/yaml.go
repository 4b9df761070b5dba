package emit

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A small YAML writer for the JSON-shaped trees Marshal makes. It is ten
// times faster than going through a general YAML encoder, which mattered:
// serialising was most of a big pipeline's compile time. It writes block
// style, keys sorted, lists at their key's indentation (as kubectl does),
// multi-line strings as literal blocks (scripts stay readable), and quotes
// every string a YAML 1.1 or 1.2 reader could take for anything but that
// string. TestYAMLRoundTrip parses what it writes back.

func writeYAML(v any) []byte {
	b := make([]byte, 0, 4096)
	switch x := v.(type) {
	case map[string]any:
		if len(x) > 0 {
			return writeMap(b, x, 0, false)
		}
	case []any:
		if len(x) > 0 {
			return writeList(b, x, 0)
		}
	}
	b = appendValue(b, v, 0, false)
	return append(b, '\n')
}

func indent(b []byte, n int) []byte {
	for range n {
		b = append(b, ' ')
	}
	return b
}

// writeMap writes a map's entries at indentation n; inline says the first
// entry follows a list item's "- " on the current line.
func writeMap(b []byte, m map[string]any, n int, inline bool) []byte {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		if i > 0 || !inline {
			b = indent(b, n)
		}
		b = appendString(b, k, n, true)
		b = append(b, ':')
		switch x := m[k].(type) {
		case map[string]any:
			if len(x) == 0 {
				b = append(b, " {}\n"...)
				continue
			}
			b = append(b, '\n')
			b = writeMap(b, x, n+2, false)
		case []any:
			if len(x) == 0 {
				b = append(b, " []\n"...)
				continue
			}
			b = append(b, '\n')
			b = writeList(b, x, n)
		default:
			b = append(b, ' ')
			b = appendValue(b, x, n, false)
			b = append(b, '\n')
		}
	}
	return b
}

func writeList(b []byte, l []any, n int) []byte {
	for _, e := range l {
		b = indent(b, n)
		b = append(b, "- "...)
		switch x := e.(type) {
		case map[string]any:
			if len(x) == 0 {
				b = append(b, "{}\n"...)
				continue
			}
			b = writeMap(b, x, n+2, true)
		case []any:
			if len(x) == 0 {
				b = append(b, "[]\n"...)
				continue
			}
			b = append(b[:len(b)-1], '\n')
			b = writeList(b, x, n+2)
		default:
			b = appendValue(b, x, n, false)
			b = append(b, '\n')
		}
	}
	return b
}

// appendValue writes a scalar; n is the indentation of the line it is on.
func appendValue(b []byte, v any, n int, key bool) []byte {
	switch x := v.(type) {
	case string:
		return appendString(b, x, n, key)
	case bool:
		return strconv.AppendBool(b, x)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case float64:
		return strconv.AppendFloat(b, x, 'g', -1, 64)
	case nil:
		return append(b, "null"...)
	case map[string]any:
		return append(b, "{}"...) // only empty ones reach here
	case []any:
		return append(b, "[]"...)
	}
	panic(fmt.Sprintf("emit: cannot write a %T as YAML", v))
}

func appendString(b []byte, s string, n int, key bool) []byte {
	switch {
	case plainSafe(s):
		return append(b, s...)
	case !key && literalSafe(s):
		return appendLiteral(b, s, n)
	case singleSafe(s) && !looksTyped(s):
		// Single quotes escape nothing but themselves: JSON in a value
		// stays readable.
		b = append(b, '\'')
		b = append(b, strings.ReplaceAll(s, "'", "''")...)
		return append(b, '\'')
	}
	return appendQuoted(b, s)
}

// singleSafe reports whether s can be single-quoted: one line of
// printable characters.
func singleSafe(s string) bool {
	for _, r := range s {
		if !printable(r) || r == '\t' || r == '\n' || r == '\r' || r == 0x85 || r == 0x2028 || r == 0x2029 || r == 0xfeff {
			return false
		}
	}
	return utf8.ValidString(s)
}

// printable reports whether YAML allows r unescaped (its c-printable set,
// tab included): no C0 or C1 controls, no surrogates, no U+FFFE and U+FFFF.
func printable(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r' || r == 0x85:
		return true
	case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0:
		return false
	case r == utf8.RuneError:
		return false // also what a stray byte decodes to
	case r >= 0xd800 && r <= 0xdfff, r == 0xfffe, r == 0xffff:
		return false
	}
	return r <= 0x10ffff
}

// dateLike reports whether s starts like a YAML 1.1 timestamp
// (2006-01-02), which a reader may turn into a time.
func dateLike(s string) bool {
	digits := func(t string) bool {
		for _, c := range t {
			if c < '0' || c > '9' {
				return false
			}
		}
		return t != ""
	}
	parts := strings.SplitN(s, "-", 3)
	return len(parts) == 3 && len(parts[0]) == 4 && digits(parts[0]) && digits(parts[1]) && len(parts[2]) > 0 && parts[2][0] >= '0' && parts[2][0] <= '9'
}

// looksTyped reports whether s, unquoted, would read as a number, a
// boolean or null: such strings are double-quoted, as kubectl writes them.
func looksTyped(s string) bool {
	switch strings.ToLower(s) {
	case "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~", "":
		return true
	}
	if _, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64); err == nil {
		return true
	}
	_, err := strconv.ParseInt(strings.ReplaceAll(s, "_", ""), 0, 64)
	return err == nil
}

// appendQuoted writes a double-quoted scalar; JSON's escapes are YAML's.
func appendQuoted(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r == '\n':
			b = append(b, '\\', 'n')
		case r == '\t':
			b = append(b, '\\', 't')
		case r == '\r':
			b = append(b, '\\', 'r')
		case r == utf8.RuneError && size == 1:
			b = append(b, `\x`...) // a stray byte, kept as that byte
			b = append(b, "0123456789abcdef"[s[i]>>4], "0123456789abcdef"[s[i]&15])
		case !printable(r) || r == 0x85 || r == 0x2028 || r == 0x2029 || r == 0xfeff:
			hex := strconv.FormatInt(int64(r), 16)
			if r > 0xffff {
				b = append(b, `\U`...)
				b = append(b, strings.Repeat("0", 8-len(hex))...)
			} else {
				b = append(b, `\u`...)
				b = append(b, strings.Repeat("0", 4-len(hex))...)
			}
			b = append(b, hex...)
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// literalSafe reports whether s can be a literal block scalar, read back
// exactly: several printable lines, none with trailing blanks or only
// blanks, the first with text not indented (which would need an
// indicator).
func literalSafe(s string) bool {
	if !strings.Contains(s, "\n") || strings.Trim(s, "\n") == "" {
		return false
	}
	// The first line with text sets the block's indentation: it may not
	// start with a blank, which would be taken for more indentation.
	if first := strings.TrimLeft(s, "\n"); first[0] == ' ' || first[0] == '\t' {
		return false
	}
	for _, line := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		if line != "" && strings.TrimRight(line, " \t") != line {
			return false
		}
		for _, r := range line {
			if !printable(r) || r == '\r' || r == 0x85 || r == 0x2028 || r == 0x2029 || r == 0xfeff {
				return false
			}
		}
	}
	return utf8.ValidString(s)
}

func appendLiteral(b []byte, s string, n int) []byte {
	b = append(b, '|')
	body := strings.TrimRight(s, "\n")
	switch trailing := len(s) - len(body); {
	case trailing == 0:
		b = append(b, '-')
	case trailing > 1:
		b = append(b, '+')
	}
	lines := strings.Split(s, "\n")
	if strings.HasSuffix(s, "\n") {
		lines = lines[:len(lines)-1]
	}
	for _, line := range lines {
		b = append(b, '\n')
		if line != "" {
			b = indent(b, n+2)
			b = append(b, line...)
		}
	}
	return b
}

// plainSafe reports whether s can be written unquoted and read back as the
// same string by YAML 1.1 and 1.2 readers (sigs.k8s.io/yaml, yaml.v3).
func plainSafe(s string) bool {
	if s == "" || s != strings.TrimSpace(s) {
		return false
	}
	switch c := s[0]; {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '/', c == '_', c == '$', c == '(':
	case c == '-' && len(s) > 1 && s[1] != ' ' && (s[1] < '0' || s[1] > '9') && s[1] != '.':
	case c == '.' && (len(s) == 1 || (s[1] < '0' || s[1] > '9') && !strings.HasPrefix(strings.ToLower(s), ".inf") && !strings.HasPrefix(strings.ToLower(s), ".nan")):
	case c == '<' && !strings.HasPrefix(s, "<<"):
	case c >= '0' && c <= '9' && !looksTyped(s) && !strings.Contains(s, ":") && !dateLike(s):
		// "0.38.0", "42audit-run": not numbers, so plain, as kubectl writes them.
	default:
		return false // digits, signs and indicators: numbers, dates, syntax
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f || c == '#' && s[i-1] == ' ' || c == ':' && (i == len(s)-1 || s[i+1] == ' ') {
			return false
		}
	}
	for _, r := range s {
		if !printable(r) || r == 0x85 || r == 0x2028 || r == 0x2029 || r == 0xfeff {
			return false
		}
	}
	switch strings.ToLower(s) {
	case "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~", "=", "<<":
		return false
	}
	return true
}
