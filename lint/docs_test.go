package lint

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestRulesDoc fails when docs/rules.md is not what the registry generates;
// PIPEC_UPDATE=1 (or go generate ./lint) rewrites it.
func TestRulesDoc(t *testing.T) {
	path := filepath.Join("..", "docs", "rules.md")
	want := RulesMarkdown()
	if os.Getenv("PIPEC_UPDATE") != "" {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("%s is stale; run go generate ./lint (or PIPEC_UPDATE=1 go test ./lint -run TestRulesDoc)", path)
	}
}

// TestTektonLintMapping checks that every tekton-lint rule has an
// equivalent, and that equivalents name real tekton-lint rules.
func TestTektonLintMapping(t *testing.T) {
	if len(TektonLintRules) != 23 {
		t.Errorf("%d tekton-lint rules listed; tekton-lint 1.1.0 has 23", len(TektonLintRules))
	}
	for _, name := range TektonLintRules {
		if len(TektonLintEquivalents(name)) == 0 {
			t.Errorf("tekton-lint rule %s has no pipec equivalent", name)
		}
	}
	for _, r := range Rules() {
		if r.TektonLint != "" && !slices.Contains(TektonLintRules, r.TektonLint) {
			t.Errorf("%s: %q is not a tekton-lint rule", r.ID, r.TektonLint)
		}
	}
}

func TestAnchor(t *testing.T) {
	if got := anchor("PC4004 latest-image"); got != "pc4004-latest-image" {
		t.Errorf("anchor = %q", got)
	}
}
