package lint

import (
	"fmt"

	"github.com/pipec-dev/pipec/compiler"
	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/model"
)

// Category groups rules by what they protect against. Config selectors and
// the generated documentation use it.
type Category string

// The categories. The first four belong to the lint rules (codes PC3xxx to
// PC6xxx); the others to the codes the loader, the schema validator, the
// compiler, the suppression audit and pipec compile (PC9xxx) publish
// through the registry.
const (
	Deprecation Category = "deprecation"
	Security    Category = "security"
	Correctness Category = "correctness"
	Hygiene     Category = "hygiene"

	Syntax      Category = "syntax"
	Schema      Category = "schema"
	Reference   Category = "reference"
	CrossObject Category = "cross-object"
	Graph       Category = "graph"
	Directive   Category = "directive"
	Compile     Category = "compile"
)

// Rule is one check with a stable ID, as a value: the registry lists every
// rule, and the documentation, the SARIF rule table, `pipec explain` and the
// configuration are all derived from these fields.
//
// Codes that the loader, the schema validator and the compiler emit are
// registered as rules without Run, so that every code pipec can report is
// listed, explained, configured and suppressed the same way.
type Rule struct {
	ID       string // stable and never reused: "PC4004"
	Name     string // stable kebab-case name: "latest-image"
	Title    string // what the rule finds, lowercase without a final period
	Category Category
	// Severity is the default severity of the rule's findings. Published
	// codes may report some findings with a lesser severity than this (the
	// schema's YAML 1.1 booleans); a configured severity applies to all.
	Severity diag.Severity
	// Off rules run only when the configuration turns them on.
	Off bool
	// TektonLint names the tekton-lint rule that finds the same problem.
	TektonLint string
	// Doc explains the rule in full sentences: what it finds, why it
	// matters and how to fix it.
	Doc string
	// Bad is an input the rule reports, Good the same input fixed. Both are
	// YAML unless Lang says otherwise; a test lints them.
	Bad, Good string
	Lang      string // "yaml" (the default) or "cue"
	// Run reports the rule's findings; nil for a published code.
	Run func(*Pass)
}

// Published reports whether r is a code emitted outside the lint rules.
func (r *Rule) Published() bool { return r.Run == nil }

// DefaultSetting is how the rule is configured when nothing says otherwise:
// its severity, or "off".
func (r *Rule) DefaultSetting() string {
	if r.Off {
		return "off"
	}
	return r.Severity.String()
}

// ExampleLang is the language of Bad and Good.
func (r *Rule) ExampleLang() string {
	if r.Lang == "" {
		return "yaml"
	}
	return r.Lang
}

// Pass is what a rule's Run receives: the checked program and a way to
// report. Rules only read the program; they may run concurrently.
type Pass struct {
	Rule    *Rule
	Program *compiler.Program
	in      *inputs
	diags   diag.List
}

// Set is the model of the input's objects (the include directories' objects
// are not in it: rules report on the input only).
func (p *Pass) Set() *model.Set { return p.Program.Set }

// Reportf reports a finding of the rule at r, with the rule's default
// severity. The returned diagnostic may be given a detail and related
// positions; it is valid until the next report.
func (p *Pass) Reportf(r diag.Range, format string, args ...any) *diag.Diagnostic {
	p.diags.Add(diag.Diagnostic{Severity: p.Rule.Severity, Code: p.Rule.ID, Message: fmt.Sprintf(format, args...), Subject: r})
	return &p.diags[len(p.diags)-1]
}
