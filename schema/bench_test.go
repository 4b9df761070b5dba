package schema

import (
	"os"
	"path/filepath"
	"testing"

	"cuelang.org/go/cue"

	"github.com/pipec-dev/pipec/load"
	"github.com/pipec-dev/pipec/schema/internal/gen"
	"github.com/pipec-dev/pipec/source"
)

// taskFiles reads the catalog's task files, the benchmark corpus of
// linters.md: 171 files, about 15k lines.
func taskFiles(b *testing.B) []*source.File {
	dir := corpusPath(b)
	names, _ := filepath.Glob(filepath.Join(dir, "task/*/*/*.yaml"))
	var files []*source.File
	for _, n := range names {
		src, err := os.ReadFile(n)
		if err != nil {
			b.Fatal(err)
		}
		files = append(files, source.NewFile(n, src))
	}
	return files
}

func taskDocs(b *testing.B) []*load.Doc {
	var docs []*load.Doc
	for _, f := range taskFiles(b) {
		d, _ := load.YAML(f)
		docs = append(docs, d...)
	}
	return docs
}

// BenchmarkCUECompile measures loading and evaluating the schema packages
// with the CUE evaluator: the start-up cost validating with CUE would add
// to every pipec run.
func BenchmarkCUECompile(b *testing.B) {
	for b.Loop() {
		if _, err := gen.Compile(gen.NewContext(), nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCUEValidateCorpus unifies every document of the 171 task files
// with its definition and validates it, schemas compiled once beforehand.
func BenchmarkCUEValidateCorpus(b *testing.B) {
	docs := taskDocs(b)
	ctx, pkgs := compiled(b)
	type job struct {
		def  cue.Value
		data any
	}
	var jobs []job
	for _, d := range docs {
		if def, ok := cueDef(pkgs, d); ok {
			jobs = append(jobs, job{def, asKubernetes(d.Root, roots[d.APIVersion+" "+d.Kind])})
		}
	}
	b.ReportMetric(float64(len(jobs)), "docs")
	for b.Loop() {
		for _, j := range jobs {
			_ = j.def.Unify(ctx.Encode(j.data)).Validate(cue.Concrete(true))
		}
	}
}

// BenchmarkValidateCorpus runs the table-driven validator over the same
// documents.
func BenchmarkValidateCorpus(b *testing.B) {
	docs := taskDocs(b)
	b.ReportMetric(float64(len(docs)), "docs")
	for b.Loop() {
		for _, d := range docs {
			Validate(d)
		}
	}
}

// BenchmarkLoadAndValidateCorpus is what pipec lint spends in load and
// schema over the 171 task files, on one goroutine.
func BenchmarkLoadAndValidateCorpus(b *testing.B) {
	files := taskFiles(b)
	for b.Loop() {
		for _, f := range files {
			docs, _ := load.YAML(source.NewFile(f.Name, f.Src))
			for _, d := range docs {
				Validate(d)
			}
		}
	}
}
