package lint

import (
	"path/filepath"
	"testing"

	"github.com/pipec-dev/pipec/load"
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
