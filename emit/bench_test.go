package emit_test

import (
	"fmt"
	"testing"

	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/emit"
	"github.com/pipec-dev/pipec/internal/testgen"
	"github.com/pipec-dev/pipec/lint"
	"github.com/pipec-dev/pipec/load"
	"github.com/pipec-dev/pipec/source"
)

// BenchmarkCompile is what pipec compile does with a generated pipeline of
// 1,000 and 10,000 tasks, wide and deep: load, check (lint.Run with the
// schema's and the compiler's codes, the lint rules off, as the command
// runs it), compile, and serialise every object. The budget is 0.5 s for
// 1,000 tasks and at most 12 times that for 10 times the tasks
// (BENCHMARKS.md has the figures).
func BenchmarkCompile(b *testing.B) {
	for _, shape := range []testgen.Shape{testgen.Wide, testgen.Deep} {
		for _, n := range []int{1000, 10000} {
			src := testgen.Pipeline(n, shape)
			b.Run(fmt.Sprintf("%s/%d", shape, n), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(src)))
				for b.Loop() {
					compileSource(b, src)
				}
			})
		}
	}
}

func compileSource(b *testing.B, src []byte) {
	set := load.Files([]*source.File{source.NewFile("big.yaml", src)})
	res := lint.Run(set, lint.Options{Config: checksOnly(b)})
	if diag.HasErrors(res.Diags) {
		b.Fatalf("input: %v", res.Diags[0])
	}
	out, ds := emit.Compile(res.Program, emit.Options{Image: testImage})
	if diag.HasErrors(ds) {
		b.Fatalf("compile: %v", ds[0])
	}
	if _, err := out.Files(); err != nil {
		b.Fatal(err)
	}
}

// checksOnly is pipec compile's configuration (internal/cli).
func checksOnly(b *testing.B) *lint.Config {
	cfg, err := lint.ParseConfig("", []byte("version: 1\nrules:\n  deprecation: off\n  security: off\n  correctness: off\n  hygiene: off\n"))
	if err != nil {
		b.Fatal(err)
	}
	return cfg
}

// BenchmarkEmit is the compiler's own part: emit.Compile and the
// serialisation of every object, from a program already checked.
func BenchmarkEmit(b *testing.B) {
	for _, shape := range []testgen.Shape{testgen.Wide, testgen.Deep} {
		for _, n := range []int{1000, 10000} {
			set := load.Files([]*source.File{source.NewFile("big.yaml", testgen.Pipeline(n, shape))})
			res := lint.Run(set, lint.Options{Config: checksOnly(b)})
			b.Run(fmt.Sprintf("%s/%d", shape, n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					out, ds := emit.Compile(res.Program, emit.Options{Image: testImage})
					if diag.HasErrors(ds) {
						b.Fatalf("compile: %v", ds[0])
					}
					if _, err := out.Files(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
