// Package checktest runs checks over test files whose expected diagnostics
// are written beside the offending lines, as golang.org/x/tools'
// analysistest does:
//
//	image: $(params.imag-tag)   # want "PC1001 param \"imag-tag\" is not declared"
//
// Each quoted string is "CODE regexp": the code a diagnostic reported on that
// line must have, and a regular expression its message must match (the
// regexp may be left out). A string that does not start with a code is a
// regexp over "CODE message". Every diagnostic at or
// above the minimum severity must be wanted, so a file is both the test that
// a check triggers and the test that the valid forms around it pass. The
// comment may sit inside a block scalar: in a script it is a shell comment.
package checktest

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/source"
)

var wantRE = regexp.MustCompile(`#\s*want((?:\s+"(?:[^"\\]|\\.)*")+)\s*$`)
var quotedRE = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// Expectation is one wanted diagnostic.
type Expectation struct {
	File string
	Line int
	Code string         // "" when Re covers the code too
	Re   *regexp.Regexp // matched against the message, or "CODE message"
}

var codeRE = regexp.MustCompile(`^([A-Z]+[0-9]+)(?:\s+(.*))?$`)

func (e Expectation) matches(code, msg string) bool {
	if e.Code != "" {
		return e.Code == code && e.Re.MatchString(msg)
	}
	return e.Re.MatchString(code + " " + msg)
}

func (e Expectation) String() string {
	if e.Code != "" {
		return e.Code + " " + e.Re.String()
	}
	return e.Re.String()
}

// Parse reads the expectations of a file.
func Parse(f *source.File) ([]Expectation, error) {
	var out []Expectation
	for i := 1; i <= f.Lines(); i++ {
		m := wantRE.FindStringSubmatch(f.Line(i))
		if m == nil {
			continue
		}
		for _, q := range quotedRE.FindAllString(m[1], -1) {
			s, err := strconv.Unquote(q)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: bad want string %s: %v", f.Name, i, q, err)
			}
			e := Expectation{File: f.Name, Line: i}
			if m := codeRE.FindStringSubmatch(s); m != nil {
				e.Code, s = m[1], m[2]
			}
			re, err := regexp.Compile(s)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: bad want regexp %q: %v", f.Name, i, s, err)
			}
			e.Re = re
			out = append(out, e)
		}
	}
	return out, nil
}

// Compare checks diagnostics against the expectations of files. Diagnostics
// less severe than min are ignored unless a want matches them.
func Compare(t testing.TB, files []*source.File, ds []diag.Diagnostic, min diag.Severity) {
	t.Helper()
	var wants []Expectation
	for _, f := range files {
		w, err := Parse(f)
		if err != nil {
			t.Fatal(err)
		}
		wants = append(wants, w...)
	}
	used := make([]bool, len(wants))
	for _, d := range ds {
		matched := false
		for i, w := range wants {
			if !used[i] && w.File == d.Subject.File && w.Line == d.Subject.Start.Line && w.matches(d.Code, d.Message) {
				used[i], matched = true, true
				break
			}
		}
		if !matched && d.Severity.AtLeast(min) {
			t.Errorf("%s: unexpected %s: %s %s", d.Subject, d.Severity, d.Code, d.Message)
		}
	}
	for i, w := range wants {
		if !used[i] {
			t.Errorf("%s:%d: no diagnostic matched %q", w.File, w.Line, w)
		}
	}
}

// Lines renders diagnostics one per line, for messages in failing tests.
func Lines(ds []diag.Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "%s\n", d)
	}
	return b.String()
}
