// Package tekton embeds pipec's CUE schemas of the Tekton API, the single
// source of truth for the structure of Tekton objects. The CUE packages
// live below this directory:
//
//	k8s       the Kubernetes types Tekton embeds (generated from k8s.io/api)
//	v1        tekton.dev/v1
//	v1beta1   tekton.dev/v1beta1, with the legacy PipelineResource fields
//	v1alpha1  tekton.dev/v1alpha1 PipelineResource, Condition, StepAction
//
// In CUE they are imported as ModulePath + "/" + package, for example
// "pipec.dev/tekton/v1". This package only holds the files: package load
// evaluates them for CUE input, and package schema validates with a table
// compiled from them.
package tekton

import (
	"embed"
	"io/fs"
	"os"
	"path"
	"path/filepath"
)

// ModulePath is the CUE import path under which the schema packages live.
const ModulePath = "pipec.dev/tekton"

// Packages are the schema's CUE packages, by directory.
var Packages = []string{"k8s", "v1", "v1beta1", "v1alpha1"}

//go:embed k8s/*.cue v1/*.cue v1beta1/*.cue v1alpha1/*.cue
var files embed.FS

// FS returns the schema files, one directory per package.
func FS() fs.FS { return files }

// Files returns every schema file as a map from its path below ModulePath
// ("v1/task.cue") to its content.
func Files() map[string][]byte {
	out := map[string][]byte{}
	for _, p := range Packages {
		entries, _ := fs.ReadDir(files, p)
		for _, e := range entries {
			b, _ := fs.ReadFile(files, path.Join(p, e.Name()))
			out[path.Join(p, e.Name())] = b
		}
	}
	return out
}

// Export writes the schema packages into the CUE module rooted at dir, under
// cue.mod/pkg/pipec.dev/tekton, where the cue command finds them: after it,
// `import "pipec.dev/tekton/v1"` works in that module and `cue vet` checks
// objects against the same definitions as pipec.
func Export(dir string) error {
	root := filepath.Join(dir, "cue.mod", "pkg", filepath.FromSlash(ModulePath))
	for name, b := range Files() {
		dst := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
