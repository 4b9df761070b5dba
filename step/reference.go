package step

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pipec-dev/pipec/plan"
)

// reference is one reading of the text between "$(" and ")": the value key
// it names and what it selects from that key's value.
type reference struct {
	key   string
	sel   selKind
	index int    // selIndex
	field string // selField
}

type selKind uint8

const (
	selNone  selKind = iota // the whole value, as its text
	selStar                 // [*]: every element of an array
	selIndex                // [i]: one element of an array
	selField                // .field: one key of an object
)

// readings returns the ways body can be read, most literal first. Result
// names may contain dots, so "tasks.a.results.r.k" is result "r.k" or key
// "k" of result "r"; the caller takes the first reading whose key has a
// value. A body that cannot be a reference gives none.
func readings(body string) []reference {
	if !isRefBody(body) {
		return nil
	}
	if i := strings.IndexAny(body, `"'`); i >= 0 {
		r, ok := bracketName(body, i)
		if !ok {
			return nil
		}
		return []reference{r}
	}
	if strings.HasSuffix(body, "]") {
		open := strings.LastIndexByte(body, '[')
		if open <= 0 {
			return nil
		}
		r := reference{key: body[:open]}
		if !r.setIndex(body[open+1 : len(body)-1]) {
			return nil
		}
		return []reference{r}
	}
	if strings.ContainsAny(body, "[]*") {
		return nil
	}
	rs := []reference{{key: body}}
	if dot := strings.LastIndexByte(body, '.'); dot > 0 && dot < len(body)-1 {
		rs = append(rs, reference{key: body[:dot], sel: selField, field: body[dot+1:]})
	}
	return rs
}

// bracketName reads the form prefix["name"] or prefix['name'], optionally
// followed by [i], [*] or .field; q is the index of the first quote.
func bracketName(body string, q int) (reference, bool) {
	prefix := body[:max(q-1, 0)]
	if q < 2 || body[q-1] != '[' || strings.HasSuffix(prefix, ".") || strings.ContainsAny(prefix, "[]*") {
		return reference{}, false
	}
	n := strings.IndexByte(body[q+1:], body[q]) // the name's length
	end := q + 1 + n                            // the closing quote
	if n < 1 || end+1 >= len(body) || body[end+1] != ']' || strings.ContainsAny(body[q+1:end], "[]*") {
		return reference{}, false
	}
	r := reference{key: prefix + "." + body[q+1:end]}
	rest := body[end+2:]
	switch {
	case rest == "":
	case strings.HasPrefix(rest, "[") && strings.HasSuffix(rest, "]"):
		if !r.setIndex(rest[1 : len(rest)-1]) {
			return reference{}, false
		}
	case strings.HasPrefix(rest, ".") && len(rest) > 1 && !strings.ContainsAny(rest, `[]*"'`):
		r.sel, r.field = selField, rest[1:]
	default:
		return reference{}, false
	}
	return r, true
}

func (r *reference) setIndex(s string) bool {
	if s == "*" {
		r.sel = selStar
		return true
	}
	i, err := strconv.Atoi(s)
	if err != nil || i < 0 || s != strconv.Itoa(i) {
		return false
	}
	r.sel, r.index = selIndex, i
	return true
}

// isRefBody reports whether every byte of body may appear in a reference:
// Tekton's names and selectors, and the quotes of the bracket form. Shell
// command substitutions such as $(date +%s) fail here and stay as they are.
func isRefBody(body string) bool {
	if body == "" {
		return false
	}
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '_', c == '.', c == '-', c == '[', c == ']', c == '*', c == '"', c == '\'':
		default:
			return false
		}
	}
	return true
}

// text is the string a reference stands for inside a larger string. Array
// and object values are kept as JSON text; [*] is never resolved here, only
// as a whole argument.
func (r reference) text(value string) (string, error) {
	switch r.sel {
	case selIndex:
		elems, err := plan.ArrayOf(value)
		if err != nil {
			return "", err
		}
		if r.index >= len(elems) {
			return "", fmt.Errorf("index %d out of range: the array has %d elements", r.index, len(elems))
		}
		return elems[r.index], nil
	case selField:
		return plan.FieldOf(value, r.field)
	}
	return value, nil
}
