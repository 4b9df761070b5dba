package lint

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/internal/testgen"
	"github.com/pipec-dev/pipec/load"
	"github.com/pipec-dev/pipec/source"
)

// BenchmarkLintCorpus lints the catalog corpus's 171 task files in one run,
// without the lint rules and with the default ones, to keep the rules'
// share of the time in view.
func BenchmarkLintCorpus(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join(corpusDir(b), "task", "*", "*", "*.yaml"))
	set, err := load.Paths(files, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("schema+compiler", func(b *testing.B) {
		off := onlyRules(b)
		for b.Loop() {
			Run(set, Options{Config: off})
		}
	})
	b.Run("all", func(b *testing.B) {
		for b.Loop() {
			Run(set, Options{})
		}
	})
}

// BenchmarkLintGenerated lints a generated pipeline of 1,000 and 10,000
// tasks, wide and deep (internal/testgen), with every rule on, the ones off
// by default included. Rules that look at the task graph must stay close to
// linear in the tasks: ten times the tasks should cost about ten times the
// time, not a hundred (PC6008 once took 6–11 s and 3.2 GB on 10,000 deep
// tasks).
func BenchmarkLintGenerated(b *testing.B) {
	all, err := ParseConfig("", []byte("version: 1\nrules:\n  all: on\n"))
	if err != nil {
		b.Fatal(err)
	}
	for _, shape := range []testgen.Shape{testgen.Wide, testgen.Deep} {
		for _, n := range []int{1000, 10000} {
			src := testgen.Pipeline(n, shape)
			b.Run(fmt.Sprintf("%s/%d", shape, n), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(src)))
				for b.Loop() {
					set := load.Files([]*source.File{source.NewFile("big.yaml", src)})
					if res := Run(set, Options{Config: all}); diag.HasErrors(res.Diags) {
						b.Fatalf("input: %v", res.Diags[0])
					}
				}
			})
		}
	}
}
