package compiler

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/internal/checktest"
	"github.com/pipec-dev/pipec/load"
)

// TestChecks runs the checks over testdata/check. Each file is its own
// input set; its "# want" comments say which diagnostics it must produce,
// and every other line must produce none.
func TestChecks(t *testing.T) {
	files, err := filepath.Glob("testdata/check/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no test files: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".yaml"), func(t *testing.T) {
			set, err := load.Paths([]string{file}, nil)
			if err != nil {
				t.Fatal(err)
			}
			prog := CheckSet(set, Options{})
			ds := diag.Sort(append(set.Diags, prog.Diags...))
			checktest.Compare(t, set.Files, ds, diag.Info)
		})
	}
}

// TestEveryCodeTested makes sure each code of Checks is wanted by at least
// one test file: a check nobody triggers is a check nobody knows works.
func TestEveryCodeTested(t *testing.T) {
	files, _ := filepath.Glob("testdata/check/*.yaml")
	var all strings.Builder
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(b)
	}
	for _, c := range Checks {
		if !strings.Contains(all.String(), `"`+c.Code) && !strings.Contains(all.String(), `" "`+c.Code) {
			t.Errorf("%s (%s) is not triggered by any test file", c.Code, c.Title)
		}
	}
}
