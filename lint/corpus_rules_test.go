package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pipec-dev/pipec/compiler"
	"github.com/pipec-dev/pipec/diag"
)

// TestCorpusRuleCounts lints every file of the catalog corpus as TestCorpus
// does and logs how often each lint rule fires (go test -v -run
// TestCorpusRuleCounts). With PIPEC_CORPUS_DUMP=FILE it writes every finding
// to FILE, for reviewing a sample of each rule by hand. It fails if a lint
// rule reports an error on a document: the catalog is real-world YAML that
// Tekton accepts, so an error there is a false positive to fix, or a real
// mistake to list in testdata/corpus-known.tsv.
func TestCorpusRuleCounts(t *testing.T) {
	dir := corpusDir(t)
	lib, err := compiler.LoadLibrary([]string{filepath.Join(dir, "task"), filepath.Join(dir, "stepaction")})
	if err != nil {
		t.Fatal(err)
	}
	known := knownFindings(t)
	seen := map[string]bool{}
	counts := map[string]int{}
	var dump strings.Builder
	for _, v := range readVerdicts(t, dir) {
		if seen[v.path] {
			continue
		}
		seen[v.path] = true
		_, ds := lintUnit(t, dir, v.path, lib)
		for _, d := range ds {
			r := Lookup(d.Code)
			if r == nil || r.Published() {
				continue
			}
			counts[d.Code]++
			fmt.Fprintf(&dump, "%s\n", d)
			if d.Severity == diag.Error {
				if _, ok := known[v.path+"\t"+d.Code]; !ok {
					t.Errorf("lint rule error on the corpus: %s", d)
				}
			}
		}
	}
	var codes []string
	for c := range counts {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	total := 0
	for _, c := range codes {
		r := Lookup(c)
		t.Logf("%s %-24s %-8s %5d", c, r.Name, r.Severity, counts[c])
		total += counts[c]
	}
	t.Logf("%d findings of %d rules over %d files", total, len(codes), len(seen))
	if out := os.Getenv("PIPEC_CORPUS_DUMP"); out != "" {
		if err := os.WriteFile(out, []byte(dump.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
