package schema

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/load"
	"github.com/pipec-dev/pipec/source"
)

// corpusDir is the shared corpus of real Tekton YAML, when present.
const corpusDir = "../../shared/corpus/catalog"

func corpusPath(t testing.TB) string {
	dir := corpusDirIfPresent()
	if dir == "" {
		t.Skip("corpus not present")
	}
	return dir
}

// corpusDirIfPresent returns the corpus directory ($PIPEC_CORPUS, or the
// shared corpus beside the repository), or "" when it is absent.
func corpusDirIfPresent() string {
	dir := corpusDir
	if d := os.Getenv("PIPEC_CORPUS"); d != "" {
		dir = d
	}
	if _, err := os.Stat(filepath.Join(dir, "VALIDATION.tsv")); err != nil {
		return ""
	}
	return dir
}

// verdict is one row of VALIDATION.tsv: Tekton's own admission result.
type verdict struct {
	path       string
	index      int
	apiVersion string
	kind       string
	result     string // under Tekton's default (beta) feature flags
}

func readVerdicts(t testing.TB, dir string) []verdict {
	f, err := os.Open(filepath.Join(dir, "VALIDATION.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []verdict
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for first := true; sc.Scan(); first = false {
		cols := strings.Split(sc.Text(), "\t")
		if first || len(cols) < 6 {
			continue
		}
		i, _ := strconv.Atoi(cols[1])
		out = append(out, verdict{cols[0], i, cols[2], cols[3], cols[5]})
	}
	return out
}

var fileCache sync.Map

// corpusDocs loads a corpus file once.
func corpusDocs(t testing.TB, dir, path string) []*load.Doc {
	if d, ok := fileCache.Load(path); ok {
		return d.([]*load.Doc)
	}
	src, err := os.ReadFile(filepath.Join(dir, path))
	if err != nil {
		t.Fatal(err)
	}
	docs, _ := load.YAML(source.NewFile(path, src))
	fileCache.Store(path, docs)
	return docs
}

// docFor finds the document of a row. The corpus numbers documents as a
// YAML parser yields them, while load.Doc.Index also counts a comment-only
// chunk before the first "---"; rows are therefore matched by the order of
// documents of the same apiVersion and kind within the file.
func docFor(docs []*load.Doc, rows []verdict, row int) *load.Doc {
	nth := 0
	for _, r := range rows[:row] {
		if r.path == rows[row].path && r.apiVersion == rows[row].apiVersion && r.kind == rows[row].kind {
			nth++
		}
	}
	for _, d := range docs {
		if d.APIVersion == rows[row].apiVersion && d.Kind == rows[row].kind {
			if nth == 0 {
				return d
			}
			nth--
		}
	}
	return nil
}

func errorsOf(ds []diag.Diagnostic) []diag.Diagnostic {
	var out []diag.Diagnostic
	for _, d := range ds {
		if d.Severity == diag.Error {
			out = append(out, d)
		}
	}
	return out
}

var unknownFieldVerdict = regexp.MustCompile(`^DECODE: json: unknown field "([^"]+)"`)

// TestCorpusAgreement compares Validate with Tekton's own verdict on every
// tekton.dev document of the corpus.
func TestCorpusAgreement(t *testing.T) {
	dir := corpusPath(t)
	var okAgree, okTotal, unknownAgree, unknownTotal, resourcesV1beta1, semantic, legacy int
	rows := readVerdicts(t, dir)
	for row, v := range rows {
		if !strings.HasPrefix(v.apiVersion, "tekton.dev/") {
			continue
		}
		docs := corpusDocs(t, dir, v.path)
		doc := docFor(docs, rows, row)
		if doc == nil {
			if v.result != "YAML-ERROR" {
				t.Errorf("%s#%d: document not loaded", v.path, v.index)
			}
			continue
		}
		errs := errorsOf(Validate(doc))
		where := v.path + "#" + strconv.Itoa(v.index)
		switch {
		case v.result == "ok" || strings.HasPrefix(v.result, "UNKNOWN-KIND"):
			if strings.HasPrefix(v.result, "UNKNOWN-KIND") {
				legacy++
			}
			okTotal++
			if len(errs) == 0 {
				okAgree++
				continue
			}
			t.Errorf("%s: Tekton says %s, pipec says:\n%s", where, v.result, lines(errs))
		case unknownFieldVerdict.MatchString(v.result):
			unknownTotal++
			field := unknownFieldVerdict.FindStringSubmatch(v.result)[1]
			found := false
			for _, d := range errs {
				found = found || d.Code == CodeUnknownField && d.Message == "unknown field \""+field+"\"" && d.Subject.Start.Line > 0
			}
			if !found {
				t.Errorf("%s: Tekton says %s, pipec says:\n%s", where, v.result, lines(errs))
				continue
			}
			unknownAgree++
		case strings.HasPrefix(v.result, "DECODE:"):
			unknownTotal++
			if len(errs) == 0 || errs[0].Code != CodeType {
				t.Errorf("%s: Tekton says %s, pipec says:\n%s", where, v.result, lines(errs))
				continue
			}
			unknownAgree++
		case strings.Contains(v.result, "must not set the field(s): spec.resources"):
			// Tekton ≥ v0.47 rejects PipelineResources; pipec reads them
			// in v1beta1 as legacy input (a lint rule flags them) and
			// rejects them in v1, where the field never existed.
			if v.apiVersion == "tekton.dev/v1beta1" {
				resourcesV1beta1++
				if len(errs) > 0 {
					t.Errorf("%s: v1beta1 resources are legacy, not errors:\n%s", where, lines(errs))
				}
				continue
			}
			if len(errs) == 0 || errs[0].Code != CodeUnknownField {
				t.Errorf("%s: v1 resources: pipec says:\n%s", where, lines(errs))
			}
		default:
			semantic++
			t.Logf("semantic (compiler's job): %s: %s; schema errors: %d", where, v.result, len(errs))
		}
	}
	t.Logf("Tekton ok (or legacy kind, %d): %d/%d without schema errors", legacy, okAgree, okTotal)
	t.Logf("Tekton decode errors: %d/%d reported with the same field", unknownAgree, unknownTotal)
	t.Logf("v1beta1 PipelineResources accepted as legacy: %d; semantic verdicts left to the compiler: %d", resourcesV1beta1, semantic)
}

func lines(ds []diag.Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString("\t" + d.String() + "  " + d.Detail + "\n")
	}
	return b.String()
}
