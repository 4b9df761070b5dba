// Package load reads pipec's inputs: files, directories and stdin, in YAML or
// CUE, into documents whose every value keeps its source position. It knows
// nothing of Tekton beyond reading apiVersion, kind and metadata.name.
package load

import (
	"github.com/pipec-dev/pipec/source"
)

// Doc is one object read from an input: a YAML document, an item of a
// Kubernetes List, or a concrete object in a CUE package.
type Doc struct {
	File  *source.File
	Index int // position of the document in its file, from 0
	Root  *source.Node

	APIVersion string
	Kind       string
	Name       string // metadata.name, or metadata.generateName
}

func newDoc(f *source.File, index int, root *source.Node) *Doc {
	d := &Doc{File: f, Index: index, Root: root}
	d.APIVersion = root.Str("apiVersion")
	d.Kind = root.Str("kind")
	meta := root.Get("metadata")
	d.Name = meta.Str("name")
	if d.Name == "" {
		d.Name = meta.Str("generateName")
	}
	return d
}

// Group returns the API group of the document's apiVersion ("tekton.dev"),
// or "" for the core group.
func (d *Doc) Group() string {
	for i := range len(d.APIVersion) {
		if d.APIVersion[i] == '/' {
			return d.APIVersion[:i]
		}
	}
	return ""
}

// Version returns the version part of apiVersion ("v1beta1").
func (d *Doc) Version() string {
	for i := range len(d.APIVersion) {
		if d.APIVersion[i] == '/' {
			return d.APIVersion[i+1:]
		}
	}
	return d.APIVersion
}

// IsTekton reports whether the document belongs to the tekton.dev group.
func (d *Doc) IsTekton() bool { return d.Group() == "tekton.dev" }
