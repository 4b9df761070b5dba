// Package lint runs pipec's checks over a set of inputs: schema validation
// of every Tekton object, the compiler's reference, type and graph checks,
// and the lint rules, and returns one sorted list of diagnostics.
package lint

import (
	"runtime"
	"slices"
	"sync"

	"github.com/pipec-dev/pipec/compiler"
	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/load"
	"github.com/pipec-dev/pipec/schema"
)

// Options configure a run.
type Options struct {
	// Library holds the objects of the include directories, searched for
	// Tasks and Pipelines the input references but does not define.
	Library *compiler.Library
}

// Result is what a run found.
type Result struct {
	Program *compiler.Program
	Diags   []diag.Diagnostic
}

// Run checks what load read.
func Run(set *load.Set, opts Options) *Result {
	ds := slices.Clone(set.Diags)
	ds = append(ds, validate(set.Docs)...)
	prog := compiler.CheckSet(set, compiler.Options{Library: opts.Library})
	ds = append(ds, prog.Diags...)
	return &Result{Program: prog, Diags: diag.Sort(ds)}
}

// validate checks every Tekton document against its schema, in parallel:
// documents are independent and validation is most of the work.
func validate(docs []*load.Doc) []diag.Diagnostic {
	per := make([][]diag.Diagnostic, len(docs))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), len(docs)) {
		wg.Go(func() {
			for i := range next {
				per[i] = schema.Validate(docs[i])
			}
		})
	}
	for i, d := range docs {
		if d.IsTekton() {
			next <- i
		}
	}
	close(next)
	wg.Wait()
	return slices.Concat(per...)
}
