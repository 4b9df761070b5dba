package load

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/source"
)

// addCorpusSeeds adds the YAML files of the shared corpus, when present, to
// a fuzz target's seeds.
func addCorpusSeeds(f *testing.F) {
	dir := "../../shared/corpus/catalog"
	if d := os.Getenv("PIPEC_CORPUS"); d != "" {
		dir = d
	}
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.Contains(p, ".yaml") && !strings.HasSuffix(p, ".yml") {
			return nil
		}
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
		return nil
	})
}

// checkRanges fails when a diagnostic points outside the file.
func checkRanges(t *testing.T, file *source.File, ds []diag.Diagnostic) {
	for _, d := range ds {
		for _, r := range append([]diag.Range{d.Subject}, relatedRanges(d)...) {
			if r.File != file.Name {
				t.Fatalf("%v: file %q", d, r.File)
			}
			for _, p := range []diag.Pos{r.Start, r.End} {
				if p.Line < 1 || p.Line > file.Lines() || p.Byte < 0 || p.Byte > len(file.Src) || p.Column < 1 {
					t.Fatalf("%v: position %+v outside the file (%d lines, %d bytes)", d, p, file.Lines(), len(file.Src))
				}
				if got := file.Pos(p.Byte); got != p {
					t.Fatalf("%v: position %+v is not where byte %d is (%+v)", d, p, p.Byte, got)
				}
			}
			if r.End.Byte < r.Start.Byte {
				t.Fatalf("%v: range ends before it starts", d)
			}
		}
	}
}

func relatedRanges(d diag.Diagnostic) []diag.Range {
	var out []diag.Range
	for _, r := range d.Related {
		out = append(out, r.Range)
	}
	return out
}

// FuzzYAML feeds arbitrary bytes to the YAML loader: it must not panic,
// and every diagnostic must point inside the file.
func FuzzYAML(f *testing.F) {
	for _, s := range []string{
		"apiVersion: v1\nkind: A\nmetadata: {name: a}\n",
		"a: &x [*x]\n",
		"---\n- a\n...\n---\nb: |\n  text\n",
		"a: 'it''s'\nb: \"\\u00e9\\t\"\nc: >-\n  folded\n\n  more\n",
		"<<: {a: 1}\nk: {{x}}\n",
		"a:\n  b: 1\n  b: 2\n",
	} {
		f.Add([]byte(s))
	}
	addCorpusSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		file := source.NewFile("fuzz.yaml", src)
		docs, ds := YAML(file)
		checkRanges(t, file, ds)
		for _, d := range docs {
			source.Walk(d.Root, func(_ []source.PathElem, n *source.Node) bool {
				if n.IsScalar() && n.File != nil {
					n.RangeAt(0, len(n.Value)) // must not panic
				}
				return true
			})
		}
	})
}

// FuzzCUE feeds arbitrary text to the CUE loader as one file of a package:
// it must not panic, and every diagnostic must point inside the file.
func FuzzCUE(f *testing.F) {
	for _, s := range []string{
		"package ci\n\nbuild: {apiVersion: \"tekton.dev/v1\", kind: \"Task\", metadata: name: \"b\", spec: steps: [{image: \"alpine\", script: \"echo $(params.x)\"}]}\n",
		"package ci\n\nimport \"pipec.dev/tekton/v1\"\n\nt: v1.#Task & {apiVersion: \"tekton.dev/v1\", kind: \"Task\", metadata: name: \"x\"}\n",
		"package ci\n\nlist: [{apiVersion: \"v1\", kind: \"ConfigMap\", metadata: name: \"c\"}]\nx: \"\"\"\n\tmulti $(a)\n\t\"\"\"\n",
		"package ci\n\na: b\nb: a\n",
		"package ci\n\ns: #\"raw \\#(x)\"#\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		file := source.NewFile("fuzz.cue", []byte(src))
		docs, ds := CUE([]*source.File{file})
		// A CUE error may also point into pipec's embedded schemas, a file
		// of its own: only positions in the input are checked here.
		var own []diag.Diagnostic
		for _, d := range ds {
			if d.Subject.File != file.Name {
				continue
			}
			var rel []diag.Related
			for _, r := range d.Related {
				if r.Range.File == file.Name {
					rel = append(rel, r)
				}
			}
			d.Related = rel
			own = append(own, d)
		}
		checkRanges(t, file, own)
		for _, d := range docs {
			source.Walk(d.Root, func(_ []source.PathElem, n *source.Node) bool {
				if n.IsScalar() && n.File != nil {
					n.RangeAt(0, len(n.Value)) // must not panic
				}
				return true
			})
		}
	})
}
