// Package diag holds the one diagnostic type that every stage of pipec
// returns: the loaders, the schema validator, the compiler and the lint
// rules. Nothing in pipec prints a problem any other way.
package diag

import (
	"cmp"
	"fmt"
	"slices"
)

// Severity orders diagnostics by how bad they are. The zero value is Error so
// that a diagnostic built without thought fails the build rather than hiding.
type Severity int

const (
	Error Severity = iota
	Warning
	Info
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	case Info:
		return "info"
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// ParseSeverity is the inverse of Severity.String.
func ParseSeverity(s string) (Severity, error) {
	switch s {
	case "error":
		return Error, nil
	case "warning":
		return Warning, nil
	case "info":
		return Info, nil
	}
	return Error, fmt.Errorf("unknown severity %q (want error, warning or info)", s)
}

// AtLeast reports whether s is as severe as t or more.
func (s Severity) AtLeast(t Severity) bool { return s <= t }

// Pos is a point in a source file. Line and Column are 1-based; Column counts
// characters (runes), not bytes, so that editors and carets agree on it.
// Byte is the 0-based byte offset. The zero Pos means "no position".
type Pos struct {
	Line   int
	Column int
	Byte   int
}

// IsValid reports whether p names a place in a file.
func (p Pos) IsValid() bool { return p.Line > 0 }

// Before orders positions within one file.
func (p Pos) Before(q Pos) bool {
	if p.Line != q.Line {
		return p.Line < q.Line
	}
	return p.Column < q.Column
}

// Range is a span of source text: Start inclusive, End exclusive.
type Range struct {
	File  string
	Start Pos
	End   Pos
}

// IsValid reports whether r points into a file.
func (r Range) IsValid() bool { return r.File != "" || r.Start.IsValid() }

func (r Range) String() string {
	if !r.Start.IsValid() {
		return r.File
	}
	return fmt.Sprintf("%s:%d:%d", r.File, r.Start.Line, r.Start.Column)
}

// Related is a secondary position that explains a diagnostic ("declared here").
type Related struct {
	Range   Range
	Message string
}

// Diagnostic is one problem found in the input.
//
// Message is a short lowercase phrase without a final period. Detail holds
// full sentences, such as a "did you mean" suggestion or how to fix it.
type Diagnostic struct {
	Severity Severity
	Code     string // stable identifier, e.g. "PC1001"
	Message  string
	Detail   string
	Subject  Range     // the exact text at fault
	Related  []Related // other places that explain the problem
	// Suggestion is a replacement for the Subject text, when one is obvious
	// ("image-tag" for a misspelt "imag-tag").
	Suggestion string
}

func (d Diagnostic) String() string {
	s := fmt.Sprintf("%s: %s: %s", d.Subject, d.Severity, d.Message)
	if d.Code != "" {
		s += " [" + d.Code + "]"
	}
	return s
}

// Compare orders diagnostics by file, line, column, then code and message, so
// that output is the same whatever order the checks ran in.
func Compare(a, b Diagnostic) int {
	return cmp.Or(
		cmp.Compare(a.Subject.File, b.Subject.File),
		cmp.Compare(a.Subject.Start.Line, b.Subject.Start.Line),
		cmp.Compare(a.Subject.Start.Column, b.Subject.Start.Column),
		cmp.Compare(a.Code, b.Code),
		cmp.Compare(a.Message, b.Message),
		cmp.Compare(a.Severity, b.Severity),
	)
}

// Sort sorts ds in place with Compare and drops exact duplicates, which arise
// when one YAML anchor is reached through several aliases.
func Sort(ds []Diagnostic) []Diagnostic {
	slices.SortStableFunc(ds, Compare)
	return slices.CompactFunc(ds, func(a, b Diagnostic) bool {
		return Compare(a, b) == 0 && a.Subject.End == b.Subject.End
	})
}

// HasErrors reports whether any diagnostic is an error.
func HasErrors(ds []Diagnostic) bool {
	return slices.ContainsFunc(ds, func(d Diagnostic) bool { return d.Severity == Error })
}

// List collects diagnostics. Its methods are shorthands for the common shapes;
// the zero List is ready to use.
type List []Diagnostic

// Add appends d.
func (l *List) Add(d Diagnostic) { *l = append(*l, d) }

// Errorf appends an error with the given code at r.
func (l *List) Errorf(r Range, code, format string, args ...any) *Diagnostic {
	return l.add(Error, r, code, format, args...)
}

// Warnf appends a warning with the given code at r.
func (l *List) Warnf(r Range, code, format string, args ...any) *Diagnostic {
	return l.add(Warning, r, code, format, args...)
}

// Infof appends an info diagnostic with the given code at r.
func (l *List) Infof(r Range, code, format string, args ...any) *Diagnostic {
	return l.add(Info, r, code, format, args...)
}

func (l *List) add(s Severity, r Range, code, format string, args ...any) *Diagnostic {
	*l = append(*l, Diagnostic{Severity: s, Code: code, Message: fmt.Sprintf(format, args...), Subject: r})
	return &(*l)[len(*l)-1]
}

// With adds a related position and returns d, for chaining after Errorf.
// The returned pointer is valid only until the next append to the list.
func (d *Diagnostic) With(r Range, msg string) *Diagnostic {
	d.Related = append(d.Related, Related{Range: r, Message: msg})
	return d
}

// Explain sets Detail and returns d.
func (d *Diagnostic) Explain(format string, args ...any) *Diagnostic {
	d.Detail = fmt.Sprintf(format, args...)
	return d
}
