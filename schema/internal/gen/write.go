package gen

import (
	"os"
	"path/filepath"
)

// K8sVersion is the k8s.io/api release the Kubernetes definitions come from.
const K8sVersion = "v0.34.4"

// Paths of the generated files, relative to the schema package directory.
const (
	K8sFile   = "tekton/k8s/k8s_gen.cue"
	TableFile = "table_gen.go"
)

// Generate returns the content of every generated file, by path relative to
// the schema package directory. The Kubernetes CUE comes first because the
// table is compiled from all the CUE, which includes it: k8s is the one
// file read from dir rather than from the embedded copy, so that a changed
// generator is seen at once.
func Generate(dir string) (map[string][]byte, error) {
	k, err := K8s(K8sVersion)
	if err != nil {
		return nil, err
	}
	pkgs, err := Compile(NewContext(), map[string][]byte{"k8s/k8s_gen.cue": k})
	if err != nil {
		return nil, err
	}
	t, err := Table(pkgs)
	if err != nil {
		return nil, err
	}
	return map[string][]byte{K8sFile: k, TableFile: t}, nil
}

// WriteAll regenerates every generated file under dir, the schema package
// directory.
func WriteAll(dir string) error {
	files, err := Generate(dir)
	if err != nil {
		return err
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
