package lint

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/internal/checktest"
	"github.com/pipec-dev/pipec/load"
)

// TestTektonLintParity checks testdata/parity: one file per tekton-lint
// rule, named after it, in which pipec reports the rule's problems (the
// codes whose TektonLint names it) on the lines its "# want" comments mark,
// and nowhere else. With PIPEC_TEKTON_LINT set to a tekton-lint executable
// (hack/tekton-lint-parity.sh does it), tekton-lint runs on the same file
// and must report the rule on every one of those lines.
func TestTektonLintParity(t *testing.T) {
	tektonLint := os.Getenv("PIPEC_TEKTON_LINT")
	all, err := ParseConfig("parity.pipec.yaml", []byte("version: 1\nrules:\n  all: on\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, rule := range TektonLintRules {
		t.Run(rule, func(t *testing.T) {
			file := filepath.Join("testdata", "parity", rule+".yaml")
			set, err := load.Paths([]string{file}, nil)
			if err != nil {
				t.Fatal(err)
			}
			res := Run(set, Options{Config: all})
			checktest.Compare(t, set.Files, res.Diags, diag.Error)

			codes := map[string]bool{}
			for _, r := range TektonLintEquivalents(rule) {
				codes[r.ID] = true
			}
			wants, err := checktest.Parse(set.Files[0])
			if err != nil {
				t.Fatal(err)
			}
			var wanted []int
			for _, w := range wants {
				if codes[w.Code] {
					wanted = append(wanted, w.Line)
				}
			}
			if len(wanted) == 0 {
				t.Fatalf("%s wants no finding of %s's equivalents", file, rule)
			}
			for _, d := range res.Diags {
				if codes[d.Code] && !slices.Contains(wanted, d.Subject.Start.Line) {
					t.Errorf("%s: %s reported where no want expects it", d, rule)
				}
			}
			if tektonLint == "" {
				return
			}
			got := tektonLintLines(t, tektonLint, file, rule)
			for _, line := range wanted {
				if !slices.Contains(got, line) {
					t.Errorf("%s:%d: pipec reports %s's problem here; tekton-lint reports it on lines %v", file, line, rule, got)
				}
			}
			t.Logf("%s: pipec lines %v, tekton-lint lines %v", rule, wanted, got)
		})
	}
}

// tektonLintLines runs tekton-lint on file, with every rule on, and returns
// the lines where it reports rule.
func tektonLintLines(t *testing.T, tektonLint, file, rule string) []int {
	t.Helper()
	dir := t.TempDir()
	rc := "rules:\n  prefer-camel-kebab-case: warning\n"
	if err := os.WriteFile(filepath.Join(dir, ".tektonlintrc.yaml"), []byte(rc), 0o644); err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(tektonLint, "--config", dir, "--format", "json", abs)
	cmd.Dir = dir
	out, err := cmd.Output()
	if _, findings := err.(*exec.ExitError); err != nil && !findings {
		t.Fatalf("tekton-lint: %v", err)
	}
	var problems []struct {
		Rule string `json:"rule"`
		Loc  struct {
			StartLine int `json:"startLine"`
		} `json:"loc"`
	}
	if err := json.Unmarshal(out, &problems); err != nil {
		t.Fatalf("tekton-lint output: %v\n%s", err, out)
	}
	var lines []int
	for _, p := range problems {
		if p.Rule == rule {
			lines = append(lines, p.Loc.StartLine)
		}
	}
	slices.Sort(lines)
	return slices.Compact(lines)
}

// TestParityFilesNamed checks that each parity file says which rule it is
// for, and that there is no file for a rule tekton-lint does not have.
func TestParityFilesNamed(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "parity", "*.yaml"))
	if len(files) != len(TektonLintRules) {
		t.Errorf("%d parity files for %d tekton-lint rules", len(files), len(TektonLintRules))
	}
	for _, f := range files {
		rule := strings.TrimSuffix(filepath.Base(f), ".yaml")
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(TektonLintRules, rule) || !strings.HasPrefix(string(src), "# tekton-lint: "+rule+"\n") {
			t.Errorf("%s: must be named after a tekton-lint rule and start with \"# tekton-lint: %s\"", f, rule)
		}
	}
}
