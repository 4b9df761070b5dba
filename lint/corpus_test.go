package lint

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pipec-dev/pipec/compiler"
	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/load"
)

// corpusDir finds the catalog corpus that sits beside the checkout in
// shared/, or at $PIPEC_CORPUS.
func corpusDir(t testing.TB) string {
	dir := os.Getenv("PIPEC_CORPUS")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "corpus", "catalog")
	}
	if _, err := os.Stat(filepath.Join(dir, "VALIDATION.tsv")); err != nil {
		t.Skipf("catalog corpus not found at %s (set PIPEC_CORPUS): %v", dir, err)
	}
	return dir
}

// verdict is one row of VALIDATION.tsv: Tekton's own admission verdict on a
// document, under its default feature flags.
type verdict struct {
	path, kind, verdict string
	ordinal             int // among the file's documents of that kind
}

func readVerdicts(t testing.TB, dir string) []verdict {
	f, err := os.Open(filepath.Join(dir, "VALIDATION.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []verdict
	count := map[string]int{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for first := true; sc.Scan(); first = false {
		cols := strings.Split(sc.Text(), "\t")
		if first || len(cols) < 6 {
			continue
		}
		v := verdict{path: cols[0], kind: cols[3], verdict: cols[5]}
		key := v.path + "\x00" + v.kind
		v.ordinal = count[key]
		count[key]++
		out = append(out, v)
	}
	return out
}

// knownFindings lists errors pipec reports on documents Tekton accepts,
// each a real mistake checked by hand, with the reason.
func knownFindings(t testing.TB) map[string]string {
	b, err := os.ReadFile("testdata/corpus-known.tsv")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.SplitN(line, "\t", 3)
		if len(cols) != 3 {
			t.Fatalf("corpus-known.tsv: bad line %q", line)
		}
		out[cols[0]+"\t"+cols[1]] = cols[2]
	}
	return out
}

// TestCorpus lints every file of the catalog corpus the way the catalog's
// own CI applies it (the file together with its task's own YAML, other
// tasks found through -I) and compares with Tekton's verdicts: a document
// Tekton accepts gets no error unless it is a known real mistake, and a
// document Tekton rejects gets at least one error inside it.
func TestCorpus(t *testing.T) {
	dir := corpusDir(t)
	lib, err := compiler.LoadLibrary([]string{filepath.Join(dir, "task"), filepath.Join(dir, "stepaction")})
	if err != nil {
		t.Fatal(err)
	}
	verdicts := readVerdicts(t, dir)
	known := knownFindings(t)
	used := map[string]bool{}
	byFile := map[string][]verdict{}
	var files []string
	for _, v := range verdicts {
		if byFile[v.path] == nil {
			files = append(files, v.path)
		}
		byFile[v.path] = append(byFile[v.path], v)
	}
	var agreeOK, agreeBad, falseErr, knownErr, missed, legacy int
	var report []string
	for _, rel := range files {
		docs, ds := lintUnit(t, dir, rel, lib)
		for _, v := range byFile[rel] {
			// Documents that are not objects (YAML errors, lists, strings)
			// have no kind: any error in the file agrees with Tekton.
			if v.kind != "" || strings.HasPrefix(v.verdict, "skip") {
				continue
			}
			if slices.ContainsFunc(ds, func(d diag.Diagnostic) bool { return d.Severity == diag.Error }) {
				agreeBad++
			} else {
				missed++
				report = append(report, fmt.Sprintf("%s: Tekton says %s; pipec reports no error", rel, v.verdict))
			}
		}
		count := map[string]int{}
		for _, d := range docs {
			ord := count[d.Kind]
			count[d.Kind]++
			var v *verdict
			for i, cand := range byFile[rel] {
				if cand.kind == d.Kind && cand.ordinal == ord {
					v = &byFile[rel][i]
				}
			}
			if v == nil || !d.IsTekton() {
				continue
			}
			errs := errorsIn(ds, d)
			switch {
			case v.verdict == "ok":
				if len(errs) == 0 {
					agreeOK++
					continue
				}
				for _, e := range errs {
					key := rel + "\t" + e.Code
					if _, ok := known[key]; ok {
						used[key] = true
						knownErr++
						continue
					}
					falseErr++
					t.Errorf("%s: error on a document Tekton accepts: %s", e.Subject, e.Message)
				}
			case strings.HasPrefix(v.verdict, "UNKNOWN-KIND"), isLegacyResources(v.verdict):
				// ClusterTask, PipelineResource, Condition and v1beta1
				// resources, which Tekton removed: pipec supports them as
				// legacy features (and a lint rule says they are deprecated).
				legacy++
			default:
				if len(errs) > 0 {
					agreeBad++
					continue
				}
				key := rel + "\tmissed"
				if _, ok := known[key]; ok {
					used[key] = true
					continue
				}
				missed++
				report = append(report, fmt.Sprintf("%s (%s #%d): Tekton says %s; pipec reports no error", rel, d.Kind, ord, v.verdict))
			}
		}
	}
	sort.Strings(report)
	for _, r := range report {
		t.Error(r)
	}
	for key := range known {
		if !used[key] {
			t.Errorf("corpus-known.tsv: %q no longer happens; remove it", key)
		}
	}
	t.Logf("Tekton accepts, pipec agrees: %d; pipec reports a known real mistake: %d; false errors: %d", agreeOK, knownErr, falseErr)
	t.Logf("Tekton rejects, pipec reports an error: %d; missed: %d; legacy kinds accepted: %d", agreeBad, missed, legacy)
}

// lintUnit lints one corpus file with the YAML files of its task's own
// directory, and returns the file's documents and its diagnostics.
func lintUnit(t testing.TB, dir, rel string, lib *compiler.Library) ([]*load.Doc, []diag.Diagnostic) {
	parts := strings.Split(rel, "/")
	paths := []string{filepath.Join(dir, rel)}
	if len(parts) > 4 {
		// A sample or test: applied with the task's own YAML and the other
		// files of its directory, as "kubectl apply -f DIR" would.
		main, _ := filepath.Glob(filepath.Join(dir, filepath.Join(parts[:3]...), "*.yaml"))
		siblings, _ := filepath.Glob(filepath.Join(dir, filepath.Dir(rel), "*.yaml"))
		for _, p := range append(main, siblings...) {
			if !slices.Contains(paths, p) {
				paths = append(paths, p)
			}
		}
	}
	set, err := load.Paths(paths, nil)
	if err != nil {
		t.Fatal(err)
	}
	res := Run(set, Options{Library: lib})
	name := filepath.Join(dir, rel)
	var docs []*load.Doc
	for _, d := range set.Docs {
		if d.File.Name == name {
			docs = append(docs, d)
		}
	}
	var ds []diag.Diagnostic
	for _, d := range res.Diags {
		if d.Subject.File == name {
			ds = append(ds, d)
		}
	}
	return docs, ds
}

func errorsIn(ds []diag.Diagnostic, d *load.Doc) []diag.Diagnostic {
	var out []diag.Diagnostic
	start, end := d.Root.Start.Line, d.Root.End.Line
	for _, x := range ds {
		if x.Severity == diag.Error && x.Subject.Start.Line >= start && x.Subject.Start.Line <= end {
			out = append(out, x)
		}
	}
	return out
}

// isLegacyResources reports whether Tekton rejected a document only for its
// v1beta1 PipelineResources, which pipec accepts as a legacy feature.
func isLegacyResources(verdict string) bool {
	fields, ok := strings.CutPrefix(verdict, "INVALID: must not set the field(s): ")
	if !ok {
		return false
	}
	for _, f := range strings.Split(fields, ", ") {
		if !strings.HasSuffix(f, ".resources") {
			return false
		}
	}
	return true
}
