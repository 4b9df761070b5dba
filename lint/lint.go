// Package lint runs pipec's checks over a set of inputs: schema validation
// of every Tekton object, the compiler's reference, type and graph checks,
// and the lint rules, and returns one sorted list of diagnostics.
//
// Every code pipec can report is in one registry (Rules): the lint rules of
// this package, one per file, and the codes of the loader, the schema
// validator, the compiler and pipec compile (package emit, which does not
// import this one), published with the same documentation. The
// configuration (.pipec.yaml) turns rules on and off and sets their
// severity; suppression comments and annotations, which must give a reason,
// silence single findings and are themselves audited.
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
	// Config selects rules and severities; nil means the defaults.
	Config *Config
}

// Result is what a run found.
type Result struct {
	Program *compiler.Program
	Diags   []diag.Diagnostic
	// Suppressed counts the findings that suppressions silenced, Excluded
	// those in files the configuration excludes.
	Suppressed, Excluded int
}

// Run checks what load read.
func Run(set *load.Set, opts Options) *Result {
	cfg := opts.Config
	ds := slices.Clone(set.Diags)
	ds = append(ds, validate(set.Docs)...)
	prog := compiler.CheckSet(set, compiler.Options{Library: opts.Library})
	ds = append(ds, prog.Diags...)
	ds = append(ds, runRules(prog, cfg)...)

	sup := collectDirectives(set)
	res := &Result{Program: prog}
	ds, res.Excluded = cfg.apply(ds)
	ds, res.Suppressed = sup.apply(ds, cfg.keeps)
	sup.audit(cfg)
	audit, _ := cfg.apply(sup.diags)
	ds = append(ds, audit...)
	res.Diags = diag.Sort(ds)
	return res
}

// runRules runs the enabled lint rules over the program, in parallel: they
// only read it.
func runRules(prog *compiler.Program, cfg *Config) []diag.Diagnostic {
	in := indexInputs(prog.Set)
	var passes []*Pass
	for _, r := range lintRules {
		if cfg.Enabled(r.ID) {
			passes = append(passes, &Pass{Rule: r, Program: prog, in: in})
		}
	}
	var wg sync.WaitGroup
	next := make(chan *Pass)
	for range min(runtime.GOMAXPROCS(0), len(passes)) {
		wg.Go(func() {
			for p := range next {
				p.Rule.Run(p)
			}
		})
	}
	for _, p := range passes {
		next <- p
	}
	close(next)
	wg.Wait()
	var out []diag.Diagnostic
	for _, p := range passes {
		out = append(out, p.diags...)
	}
	return out
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
