package lint

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/internal/checktest"
	"github.com/pipec-dev/pipec/load"
)

// TestRules runs each lint rule over its two test files,
// testdata/rules/ID.bad.yaml and ID.good.yaml, with only that rule turned on.
// Every diagnostic must be wanted by a "# want" comment on its line; the bad
// file must want the rule at least once and the good file nothing at all.
func TestRules(t *testing.T) {
	for _, r := range lintRules {
		t.Run(r.ID+"-"+r.Name, func(t *testing.T) {
			for _, kind := range []string{"bad", "good"} {
				file := filepath.Join("testdata", "rules", r.ID+"."+kind+".yaml")
				src, err := os.ReadFile(file)
				if err != nil {
					t.Fatalf("every rule needs a triggering and a passing test file: %v", err)
				}
				wants := strings.Count(string(src), `"`+r.ID)
				switch {
				case kind == "bad" && wants == 0:
					t.Errorf("%s wants no %s finding", file, r.ID)
				case kind == "good" && strings.Contains(string(src), "# want"):
					t.Errorf("%s must want nothing", file)
				}
				set, err := load.Paths([]string{file}, nil)
				if err != nil {
					t.Fatal(err)
				}
				res := Run(set, Options{Config: only(t, r.ID)})
				checktest.Compare(t, set.Files, res.Diags, diag.Info)
			}
		})
	}
}
