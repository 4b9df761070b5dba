package lint

import (
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/pipec-dev/pipec/compiler"
	"github.com/pipec-dev/pipec/emit"
)

// retired lists IDs that were used once and must never be given to another
// rule. It is empty so far; a removed rule's ID goes here.
var retired = map[string]string{}

var (
	idRE   = regexp.MustCompile(`^PC[0-9]{4}$`)
	nameRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

// TestRegistry checks the registry as go/analysis's validate does: unique
// IDs and names, in the range of their kind, with docs and examples.
func TestRegistry(t *testing.T) {
	ids, names := map[string]bool{}, map[string]bool{}
	lint := 0
	for _, r := range Rules() {
		switch {
		case !idRE.MatchString(r.ID):
			t.Errorf("%s: ID is not PCdddd", r.ID)
		case ids[r.ID]:
			t.Errorf("%s: ID used twice", r.ID)
		case retired[r.ID] != "":
			t.Errorf("%s: ID was retired (%s) and must not be reused", r.ID, retired[r.ID])
		}
		ids[r.ID] = true
		if !nameRE.MatchString(r.Name) || names[r.Name] {
			t.Errorf("%s: name %q is not kebab-case or is used twice", r.ID, r.Name)
		}
		names[r.Name] = true
		if first, _, _ := strings.Cut(r.Title, " "); first == "" || strings.HasSuffix(r.Title, ".") ||
			unicode.IsUpper([]rune(first)[0]) && strings.ToLower(first[1:]) == first[1:] {
			t.Errorf("%s: title %q must be a lowercase phrase without a final period", r.ID, r.Title)
		}
		if doc := strings.TrimSpace(r.Doc); len(doc) < 60 || !strings.HasSuffix(doc, ".") && !strings.HasSuffix(doc, ".)") {
			t.Errorf("%s: doc is missing or not sentences", r.ID)
		}
		if r.Bad == "" || r.Good == "" || r.Bad == r.Good {
			t.Errorf("%s: needs a bad and a good example", r.ID)
		}
		if !isCategory(string(r.Category)) {
			t.Errorf("%s: unknown category %q", r.ID, r.Category)
		}
		if r.Published() {
			continue
		}
		lint++
		wantRange := map[Category]string{Deprecation: "PC3", Security: "PC4", Correctness: "PC5", Hygiene: "PC6"}[r.Category]
		if wantRange == "" || !strings.HasPrefix(r.ID, wantRange) {
			t.Errorf("%s: a %s rule's ID must be in %sxxx", r.ID, r.Category, wantRange)
		}
	}
	if lint < 35 {
		t.Errorf("%d lint rules; the lint surface promises at least 35", lint)
	}
	for _, c := range compiler.Checks {
		if _, ok := compilerDocs()[c.Code]; !ok {
			t.Errorf("%s (%s): the compiler's code has no documentation in published_*.go", c.Code, c.Title)
		}
	}
	for code := range compilerDocs() {
		found := false
		for _, c := range compiler.Checks {
			found = found || c.Code == code
		}
		if !found {
			t.Errorf("%s: documented but not in compiler.Checks", code)
		}
	}
	for _, c := range emit.Checks {
		_, documented := compileDocs()[c.Code]
		if r := Lookup(c.Code); !documented || r == nil || r.Category != Compile || r.Severity != c.Severity {
			t.Errorf("%s (%s): pipec compile's code is not published in the compile category with documentation in published_compile.go", c.Code, c.Title)
		}
	}
	for code := range compileDocs() {
		found := false
		for _, c := range emit.Checks {
			found = found || c.Code == code
		}
		if !found {
			t.Errorf("%s: documented but not in emit.Checks", code)
		}
	}
	for _, r := range Rules() {
		if (r.Category == Compile) != strings.HasPrefix(r.ID, "PC9") {
			t.Errorf("%s: the compile category is PC9xxx, and only it", r.ID)
		}
	}
}

func TestSelect(t *testing.T) {
	for sel, want := range map[string]int{"all": len(Rules()), "PC4*": 9, "security": 9, "latest-image": 1, "PC4004": 1, "pc4004": 1, "unused-*": 4, "compile": len(emit.Checks), "PC9*": len(emit.Checks)} {
		rs, err := Select(sel)
		if err != nil || len(rs) != want {
			t.Errorf("Select(%q) = %d rules, %v; want %d", sel, len(rs), err, want)
		}
	}
	if _, err := Select("latest-imag"); err == nil || !strings.Contains(err.Error(), `did you mean "latest-image"`) {
		t.Errorf("Select(latest-imag): %v", err)
	}
}
