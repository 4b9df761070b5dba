package lint

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/emit"
	"github.com/pipec-dev/pipec/internal/checktest"
	"github.com/pipec-dev/pipec/load"
)

// only returns a configuration that runs one lint rule (and every published
// code, which cannot be turned off from running).
func only(t testing.TB, id string) *Config {
	src := "version: 1\nrules:\n  PC3*: off\n  PC4*: off\n  PC5*: off\n  PC6*: off\n"
	if r := Lookup(id); r != nil && !r.Published() {
		src += "  " + id + ": on\n"
	}
	c, err := ParseConfig("test.pipec.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// lintText lints one example, written to a temporary file.
func lintText(t *testing.T, name, text string, cfg *Config) *Result {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	set, err := load.Paths([]string{p}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return Run(set, Options{Config: cfg})
}

// TestExamples lints every rule's examples: the bad one must be reported
// by the rule and have no error of another code; the good one must not be
// reported by the rule and have no error at all. The examples of pipec
// compile's codes are compiled instead (compileExamples).
func TestExamples(t *testing.T) {
	for _, r := range Rules() {
		t.Run(r.ID, func(t *testing.T) {
			if r.Category == Compile {
				compileExamples(t, r)
				return
			}
			cfg := only(t, r.ID)
			if r.Category == Directive {
				cfg = nil // suppressions of rules that do not run are not audited
			}
			ext := "." + r.ExampleLang()
			bad := lintText(t, "bad"+ext, r.Bad, cfg).Diags
			found := false
			for _, d := range bad {
				switch {
				case d.Code == r.ID:
					found = true
				case d.Severity == diag.Error:
					t.Errorf("bad example: unrelated error %s", d)
				}
			}
			if !found {
				t.Errorf("bad example is not reported:\n%s", checktest.Lines(bad))
			}
			good := lintText(t, "good"+ext, r.Good, cfg).Diags
			for _, d := range good {
				if d.Code == r.ID || d.Severity == diag.Error {
					t.Errorf("good example: %s", d)
				}
			}
		})
	}
}

var compileRun = regexp.MustCompile(`(?m)^# pipec compile --run (\S+)$`)

// compileExamples compiles a pipec compile code's examples as the command
// does: checked first, where neither may have an error (the command would
// refuse them before compiling), then emit.Compile. The bad one must be
// reported with the code, at its severity, and with no error of another
// code; the good one must compile with no diagnostic at all.
func compileExamples(t *testing.T, r *Rule) {
	compile := func(name, text string) []diag.Diagnostic {
		res := lintText(t, name, text, only(t, r.ID))
		if diag.HasErrors(res.Diags) {
			t.Fatalf("%s has errors; pipec compile would not compile it:\n%s", name, checktest.Lines(res.Diags))
		}
		var opts emit.Options
		// An example may say which run the command compiles, the way a
		// user would type it: "# pipec compile --run NAME".
		if m := compileRun.FindStringSubmatch(text); m != nil {
			opts.Run = m[1]
		}
		_, ds := emit.Compile(res.Program, opts)
		return ds
	}
	found := false
	for _, d := range compile("bad.yaml", r.Bad) {
		switch {
		case d.Code == r.ID && d.Severity == r.Severity:
			found = true
		case d.Severity == diag.Error:
			t.Errorf("bad example: unrelated error %s", d)
		}
	}
	if !found {
		t.Errorf("bad example is not reported as a %s %s", r.Severity, r.ID)
	}
	for _, d := range compile("good.yaml", r.Good) {
		t.Errorf("good example: %s", d)
	}
}
