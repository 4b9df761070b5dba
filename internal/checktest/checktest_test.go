package checktest

import (
	"fmt"
	"testing"

	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/source"
)

// recorder is a testing.TB that collects failures instead of failing.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, a ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, a...))
}
func (r *recorder) Fatal(a ...any) { r.errors = append(r.errors, fmt.Sprint(a...)) }

func TestCompare(t *testing.T) {
	f := source.NewFile("f.yaml", []byte("a: 1 # want \"PC1 bad \\\"a\\\"\"\nb: 2\nc: 3 # want \"PC3\"\n"))
	at := func(line int) diag.Range { return diag.Range{File: "f.yaml", Start: diag.Pos{Line: line, Column: 1}} }
	for _, tc := range []struct {
		name   string
		ds     []diag.Diagnostic
		errors int
	}{
		{"all wanted", []diag.Diagnostic{{Code: "PC1", Message: `bad "a"`, Subject: at(1)}, {Code: "PC3", Message: "x", Subject: at(3)}}, 0},
		{"wrong code", []diag.Diagnostic{{Code: "PC2", Message: `bad "a"`, Subject: at(1)}, {Code: "PC3", Subject: at(3)}}, 2},
		{"unwanted line", []diag.Diagnostic{{Code: "PC1", Message: `bad "a"`, Subject: at(1)}, {Code: "PC3", Subject: at(3)}, {Code: "PC9", Subject: at(2)}}, 1},
		{"missing", nil, 2},
		{"below the minimum", []diag.Diagnostic{{Code: "PC1", Message: `bad "a"`, Subject: at(1)}, {Code: "PC3", Subject: at(3)}, {Severity: diag.Info, Code: "PC9", Subject: at(2)}}, 0},
	} {
		r := &recorder{}
		Compare(r, []*source.File{f}, tc.ds, diag.Warning)
		if len(r.errors) != tc.errors {
			t.Errorf("%s: %d failures, want %d: %q", tc.name, len(r.errors), tc.errors, r.errors)
		}
	}
}
