package lint

import (
	"fmt"
	"path/filepath"
	"strings"
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
// tasks, wide and deep (internal/testgen), without and with workspaces
// every task binds, with every rule on, the ones off by default included. Rules that look at the task graph must stay close to
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
			for _, ws := range []bool{false, true} {
				src, name := testgen.Pipeline(n, shape), fmt.Sprintf("%s/%d", shape, n)
				if ws {
					src, name = withWorkspaces(src), fmt.Sprintf("%s+workspaces/%d", shape, n)
				}
				b.Run(name, func(b *testing.B) {
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
}

// withWorkspaces gives a generated pipeline two workspaces that every task
// binds, an emptyDir and a ReadWriteOnce claim, for the rules that compare
// every pair of a workspace's users (PC5005, PC5006).
func withWorkspaces(src []byte) []byte {
	s := string(src)
	for _, r := range [][2]string{
		{"spec:\n  params:\n", "spec:\n  workspaces:\n    - name: scratch\n    - name: cache\n  params:\n"},
		{"        #!/bin/sh\n", "        #!/bin/sh\n        ls $(workspaces.scratch.path) $(workspaces.cache.path)\n"},
		{"  name: big\nspec:\n", "  name: big\nspec:\n  workspaces:\n    - name: scratch\n    - name: cache\n"},
		{"      taskRef: {name: unit}\n", "      taskRef: {name: unit}\n      workspaces: [{name: scratch, workspace: scratch}, {name: cache, workspace: cache}]\n"},
	} {
		s = strings.ReplaceAll(s, r[0], r[1])
	}
	return []byte(s + `  workspaces:
    - name: scratch
      emptyDir: {}
    - name: cache
      volumeClaimTemplate:
        spec:
          accessModes: [ReadWriteOnce]
          resources:
            requests:
              storage: 1Gi
`)
}
