package schema

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipec-dev/pipec/load"
	"github.com/pipec-dev/pipec/source"
)

// FuzzValidate loads arbitrary YAML and validates every document: no input
// may panic the validator, and every diagnostic must point into the file.
func FuzzValidate(f *testing.F) {
	for _, s := range badCases {
		f.Add([]byte(s))
	}
	for _, s := range goodCases {
		f.Add([]byte(s))
	}
	if dir := corpusDirIfPresent(); dir != "" {
		_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.Contains(p, ".yaml") {
				if b, err := os.ReadFile(p); err == nil {
					f.Add(b)
				}
			}
			return nil
		})
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file := source.NewFile("fuzz.yaml", src)
		docs, _ := load.YAML(file)
		for _, d := range docs {
			for _, dg := range Validate(d) {
				r := dg.Subject
				if r.File != file.Name || r.Start.Line < 1 || r.Start.Byte > len(src) || r.End.Byte > len(src) || r.End.Byte < r.Start.Byte {
					t.Fatalf("%v: bad range %+v", dg, r)
				}
			}
		}
	})
}
