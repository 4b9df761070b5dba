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

// Options are what the formats need beyond the diagnostics. The zero value
// is valid.
type Options struct {
	// Color wraps severities and carets in ANSI colours (text only).
	Color bool
	// Suppressed is the number of findings suppressions silenced, for the
	// text summary.
	Suppressed int
	// Tool describes pipec and its rules, for SARIF.
	Tool Tool
}

// Tool describes the analysis tool for formats that carry it (SARIF).
type Tool struct {
	Name, Version, InformationURI string
	Rules                         []Rule
}

// Rule is the documentation of one code, as SARIF's reportingDescriptor
// wants it.
type Rule struct {
	ID, Name, Title, Doc, HelpURI, Help string
	Category                            string
	Severity                            diag.Severity
	Off                                 bool
}

var formats = map[string]func(Options) Formatter{
	"text":   func(o Options) Formatter { return &Text{Color: o.Color, Summary: true, Suppressed: o.Suppressed} },
	"json":   func(Options) Formatter { return JSON{} },
	"sarif":  func(o Options) Formatter { return &SARIF{Tool: o.Tool} },
	"github": func(Options) Formatter { return GitHub{} },
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

// New returns the formatter called name, with default options.
func New(name string) (Formatter, error) { return NewWith(name, Options{}) }

// NewWith returns the formatter called name, configured by opts.
func NewWith(name string, opts Options) (Formatter, error) {
	if f, ok := formats[name]; ok {
		return f(opts), nil
	}
	return nil, fmt.Errorf("unknown format %q (want one of %v)", name, Names())
}
