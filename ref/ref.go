// Package ref parses Tekton's $(…) references. A reference is a path of
// names with an optional index or star, written with dots or brackets:
//
//	$(params.image)  $(params["image.tag"])  $(params.list[*])  $(params.list[0])
//	$(params.obj.key)  $(tasks.build.results.digest)  $(workspaces.src.path)
//
// Find returns every reference in a string with its byte span, so that each
// one can be checked and reported at its own position. Text that merely
// looks like shell command substitution, such as $(date +%s), is not a
// reference: it does not match the grammar, and Tekton leaves it alone too.
package ref

import (
	"strconv"
	"strings"
)

// Ref is one reference found in a string.
type Ref struct {
	// Start and End delimit the whole "$(…)" in the string, End exclusive.
	Start, End int
	// Path is the reference's names: ["params", "image"]. Bracketed names
	// (["a.b"]) are one element, with their dots intact.
	Path []Seg
	// Index is the trailing [i], or -1. Star reports a trailing [*].
	Index int
	Star  bool
}

// Seg is one name of a path, with its byte span in the string.
type Seg struct {
	Name       string
	Start, End int
	Bracketed  bool
}

// Names returns the names of the path.
func (r Ref) Names() []string {
	out := make([]string, len(r.Path))
	for i, s := range r.Path {
		out[i] = s.Name
	}
	return out
}

// Root returns the first name ("params", "tasks", …).
func (r Ref) Root() string { return r.Path[0].Name }

// Text returns the reference as written in s.
func (r Ref) Text(s string) string { return s[r.Start:r.End] }

// String renders the reference canonically: dots for plain names, brackets
// for names with dots, then the index or star.
func (r Ref) String() string {
	var b strings.Builder
	b.WriteString("$(")
	for i, s := range r.Path {
		switch {
		case s.Bracketed || strings.ContainsAny(s.Name, ".\"'[]") && i > 0:
			b.WriteString(`["` + s.Name + `"]`)
		default:
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.Name)
		}
	}
	if r.Star {
		b.WriteString("[*]")
	} else if r.Index >= 0 {
		b.WriteString("[" + strconv.Itoa(r.Index) + "]")
	}
	b.WriteByte(')')
	return b.String()
}

// IsWhole reports whether the reference is all of s: "$(params.a[*])" alone
// in an argument, which is where an array may be spliced in.
func (r Ref) IsWhole(s string) bool { return r.Start == 0 && r.End == len(s) }

// Find returns the references in s in order of appearance.
func Find(s string) []Ref {
	var out []Ref
	for i := 0; i < len(s); {
		j := strings.Index(s[i:], "$(")
		if j < 0 {
			break
		}
		start := i + j
		if r, ok := parse(s, start); ok {
			out = append(out, r)
			i = r.End
			continue
		}
		i = start + 2
	}
	return out
}

// Contains reports whether s holds at least one reference, cheaply.
func Contains(s string) bool {
	return strings.Contains(s, "$(") && len(Find(s)) > 0
}

func isNameByte(c byte) bool {
	return c == '_' || c == '-' || c == '.' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// parse reads the reference that starts at s[start:] == "$(".
func parse(s string, start int) (Ref, bool) {
	r := Ref{Start: start, Index: -1}
	i := start + 2
	// Dotted names first: a run of name bytes, split at the dots.
	for i < len(s) {
		switch c := s[i]; {
		case isNameByte(c):
			j := i
			for j < len(s) && isNameByte(s[j]) {
				j++
			}
			if !r.addDotted(s, i, j) {
				return Ref{}, false
			}
			i = j
		case c == '[':
			if len(r.Path) == 0 {
				return Ref{}, false
			}
			j, ok := r.bracket(s, i)
			if !ok {
				return Ref{}, false
			}
			i = j
		case c == ')':
			if len(r.Path) == 0 {
				return Ref{}, false
			}
			r.End = i + 1
			return r, true
		default:
			return Ref{}, false
		}
		// After an index or star only ")" may follow.
		if (r.Star || r.Index >= 0) && (i >= len(s) || s[i] != ')') {
			return Ref{}, false
		}
	}
	return Ref{}, false
}

// addDotted splits s[i:j] at its dots into path segments. A leading dot
// continues after a bracket ($(params["a"].key)); empty names are invalid.
func (r *Ref) addDotted(s string, i, j int) bool {
	part := s[i:j]
	if len(r.Path) > 0 && r.Path[len(r.Path)-1].Bracketed {
		if part[0] != '.' {
			return false
		}
		part, i = part[1:], i+1
	} else if len(r.Path) > 0 {
		return false // two runs of names without a separator cannot happen
	}
	for part != "" {
		k := strings.IndexByte(part, '.')
		name := part
		if k >= 0 {
			name = part[:k]
		}
		if name == "" {
			return false
		}
		r.Path = append(r.Path, Seg{Name: name, Start: i, End: i + len(name)})
		if k < 0 {
			return true
		}
		part, i = part[k+1:], i+k+1
		if part == "" {
			return false // trailing dot
		}
	}
	return true
}

// bracket reads ["name"], ['name'], [N] or [*] at s[i] == '['.
func (r *Ref) bracket(s string, i int) (int, bool) {
	if i+1 >= len(s) {
		return 0, false
	}
	switch q := s[i+1]; {
	case q == '"' || q == '\'':
		end := strings.IndexByte(s[i+2:], q)
		if end < 0 {
			return 0, false
		}
		name := s[i+2 : i+2+end]
		close := i + 2 + end + 1
		if name == "" || close >= len(s) || s[close] != ']' || strings.ContainsAny(name, "()$") {
			return 0, false
		}
		r.Path = append(r.Path, Seg{Name: name, Start: i + 2, End: i + 2 + end, Bracketed: true})
		return close + 1, true
	case q == '*':
		if i+2 < len(s) && s[i+2] == ']' {
			r.Star = true
			return i + 3, true
		}
	case '0' <= q && q <= '9':
		j := i + 1
		for j < len(s) && '0' <= s[j] && s[j] <= '9' {
			j++
		}
		if j < len(s) && s[j] == ']' {
			n, err := strconv.Atoi(s[i+1 : j])
			if err != nil {
				return 0, false
			}
			r.Index = n
			return j + 1, true
		}
	}
	return 0, false
}
