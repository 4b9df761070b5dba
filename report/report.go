// Package report renders diagnostics for people and for machines. Every
// output format implements Formatter; the command line picks one by name.
package report

import (
	"fmt"
	"io"
	"sort"

	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/source"
)

// Formatter writes a complete report of diagnostics to w. Diagnostics arrive
// sorted. Sources gives the text of each file, for snippets.
type Formatter interface {
	Format(w io.Writer, ds []diag.Diagnostic, src Sources) error
}

// Sources looks files up by the name diagnostics carry.
type Sources map[string]*source.File

// NewSources indexes files by name.
func NewSources(files []*source.File) Sources {
	s := make(Sources, len(files))
	for _, f := range files {
		s[f.Name] = f
	}
	return s
}

var formats = map[string]func() Formatter{
	"text": func() Formatter { return &Text{} },
	"json": func() Formatter { return JSON{} },
}

// Names lists the known formats.
func Names() []string {
	names := make([]string, 0, len(formats))
	for n := range formats {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// New returns the formatter called name.
func New(name string) (Formatter, error) {
	if f, ok := formats[name]; ok {
		return f(), nil
	}
	return nil, fmt.Errorf("unknown format %q (want one of %v)", name, Names())
}
