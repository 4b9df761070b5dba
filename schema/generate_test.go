package schema

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/pipec-dev/pipec/schema/internal/gen"
)

// TestGenerated fails when a generated file differs from what go generate
// would write now: the Kubernetes CUE (k8s.io/api changed, or the
// generator) or the table (a .cue schema changed). PIPEC_UPDATE=1 rewrites
// them.
func TestGenerated(t *testing.T) {
	files, err := gen.Generate(".")
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.FromSlash(name))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(got, want) {
			continue
		}
		if os.Getenv("PIPEC_UPDATE") != "" {
			if err := os.WriteFile(filepath.FromSlash(name), want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		t.Errorf("%s is stale: run go generate ./schema (or PIPEC_UPDATE=1 go test ./schema)", name)
	}
}
