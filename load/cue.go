package load

import (
	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/source"
)

// CUE reads CUE files. Files in one directory with the same package clause
// are evaluated together as a package; its concrete top-level values that
// are objects (or lists of objects) become documents.
func CUE(files []*source.File) ([]*Doc, []diag.Diagnostic) {
	var ds diag.List
	for _, f := range files {
		ds.Errorf(f.Range(0, 0), CodeCUE, "reading CUE is not implemented yet")
	}
	return nil, ds
}
