package lint

import (
	"fmt"
	"strings"
)

//go:generate env PIPEC_UPDATE=1 go test -run TestRulesDoc .

// DocsURL is where docs/rules.md is published; each rule's help URI is an
// anchor in it.
const DocsURL = "https://github.com/pipec-dev/pipec/blob/main/docs/rules.md"

// Anchor is the GitHub anchor of a rule's heading in docs/rules.md.
func (r *Rule) Anchor() string { return anchor(r.ID + " " + r.Name) }

// HelpURI is the URL of the rule's documentation.
func (r *Rule) HelpURI() string { return DocsURL + "#" + r.Anchor() }

var anchorDrop = lazyRegexp(`[^a-z0-9 _-]`)

// anchor reproduces how GitHub turns a heading into an anchor: lowercase,
// punctuation dropped, spaces to hyphens.
func anchor(heading string) string {
	return strings.ReplaceAll(anchorDrop().ReplaceAllString(strings.ToLower(heading), ""), " ", "-")
}

// RulesMarkdown renders docs/rules.md from the registry.
func RulesMarkdown() string {
	var b strings.Builder
	lintN, compileN := 0, 0
	for _, r := range Rules() {
		switch {
		case !r.Published():
			lintN++
		case r.Category == Compile:
			compileN++
		}
	}
	fmt.Fprintf(&b, "# pipec rules\n\n")
	fmt.Fprintf(&b, "<!-- Generated from the registry in lint/ by `go generate ./lint`; do not edit. -->\n\n")
	fmt.Fprintf(&b, "pipec reports %d codes: %d lint rules (PC3xxx to PC6xxx, one per file in `lint/`), %d codes of the loader, the schema validator, the compiler and the suppression audit, and %d codes of `pipec compile` (PC9xxx: what it cannot compile, or compiles with a loss). ", len(Rules()), lintN, len(Rules())-lintN-compileN, compileN)
	fmt.Fprintf(&b, "Every code is listed by `pipec lint --list-rules`, explained by `pipec explain ID`, configured in `.pipec.yaml` ([config.md](config.md)) and suppressed with `# pipec:ignore ID reason` in the same way; `pipec compile`'s codes, which `pipec lint` never reports, are configured for `pipec compile` (where an error stays an error) but not suppressed. IDs are stable and never reused.\n\n")
	fmt.Fprintf(&b, "Severities are the defaults; rules marked *off* run only when the configuration turns them on.\n\n")

	b.WriteString("## Index\n\n| ID | name | category | default | tekton-lint equivalent | finds |\n|---|---|---|---|---|---|\n")
	for _, c := range Categories {
		for _, r := range Rules() {
			if r.Category == c {
				fmt.Fprintf(&b, "| [%s](#%s) | %s | %s | %s | %s | %s |\n", r.ID, r.Anchor(), r.Name, r.Category, r.DefaultSetting(), orDash(r.TektonLint), escapeCell(r.Title))
			}
		}
	}

	b.WriteString("\n## tekton-lint equivalents\n\n")
	b.WriteString("Each of tekton-lint's 23 rules and the pipec codes that find the same problems. `lint/testdata/parity` holds a case for each where both report the same problem at the same line; `hack/tekton-lint-parity.sh` checks them against an installed tekton-lint.\n\n")
	b.WriteString("| tekton-lint rule | pipec |\n|---|---|\n")
	for _, name := range TektonLintRules {
		var refs []string
		for _, r := range TektonLintEquivalents(name) {
			refs = append(refs, fmt.Sprintf("[%s %s](#%s)", r.ID, r.Name, r.Anchor()))
		}
		fmt.Fprintf(&b, "| %s | %s |\n", name, strings.Join(refs, ", "))
	}

	for _, c := range Categories {
		fmt.Fprintf(&b, "\n## %s\n", categoryTitle[c])
		for _, r := range Rules() {
			if r.Category != c {
				continue
			}
			fmt.Fprintf(&b, "\n### %s %s\n\n", r.ID, r.Name)
			fmt.Fprintf(&b, "**%s.** Category %s; default %s", capitalize(r.Title), r.Category, r.DefaultSetting())
			if r.TektonLint != "" {
				fmt.Fprintf(&b, "; tekton-lint equivalent: %s", r.TektonLint)
			}
			b.WriteString(".\n\n")
			b.WriteString(unwrap(r.Doc))
			b.WriteString("\n\nReported:\n\n```" + r.ExampleLang() + "\n" + r.Bad + "```\n\nFixed:\n\n```" + r.ExampleLang() + "\n" + r.Good + "```\n")
		}
	}
	return b.String()
}

var categoryTitle = map[Category]string{
	Deprecation: "Deprecations (PC3xxx)",
	Security:    "Security (PC4xxx)",
	Correctness: "Run-time correctness (PC5xxx)",
	Hygiene:     "Hygiene and style (PC6xxx)",
	Syntax:      "Reading input (PC00xx)",
	Schema:      "Schema (PC01xx)",
	Reference:   "References and types (PC1xxx)",
	CrossObject: "Cross-object checks (PC20xx)",
	Graph:       "The task graph (PC21xx)",
	Directive:   "Suppressions (PC02xx)",
	Compile:     "Compiling a run (PC9xxx)",
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

func escapeCell(s string) string { return strings.ReplaceAll(s, "|", "\\|") }

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// unwrap joins the lines of each paragraph of a doc, keeping list items and
// blank lines, so that Markdown renders it as written.
func unwrap(doc string) string {
	var out []string
	for _, para := range strings.Split(strings.TrimSpace(doc), "\n\n") {
		var lines []string
		for _, l := range strings.Split(para, "\n") {
			l = strings.TrimSpace(l)
			if len(lines) > 0 && !strings.HasPrefix(l, "- ") {
				lines[len(lines)-1] += " " + l
				continue
			}
			lines = append(lines, l)
		}
		out = append(out, strings.Join(lines, "\n"))
	}
	return strings.Join(out, "\n\n")
}
