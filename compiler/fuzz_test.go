package compiler

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pipec-dev/pipec/load"
	"github.com/pipec-dev/pipec/source"
)

// FuzzCheckSet feeds arbitrary YAML through loading and checking: no input
// may crash the checker, and every diagnostic must point into the file.
func FuzzCheckSet(f *testing.F) {
	for _, glob := range []string{"testdata/check/*.yaml", "../testdata/seeds/*/*.yaml"} {
		files, _ := filepath.Glob(glob)
		for _, name := range files {
			if b, err := os.ReadFile(name); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte("apiVersion: tekton.dev/v1\nkind: Pipeline\nspec: {tasks: [{name: a, runAfter: [a]}]}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		file := source.NewFile("f.yaml", src)
		set := load.Files([]*source.File{file})
		prog := CheckSet(set, Options{})
		for _, d := range prog.Diags {
			r := d.Subject
			if r.File != "f.yaml" || r.Start.Byte < 0 || r.End.Byte > len(src) || r.End.Byte < r.Start.Byte && r.End.IsValid() {
				t.Fatalf("diagnostic outside the file: %v (range %+v)", d, r)
			}
		}
	})
}
