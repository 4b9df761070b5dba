package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/lint"
)

func newExplainCmd(stdio IO) *cobra.Command {
	return &cobra.Command{
		Use:   "explain ID|NAME",
		Short: "Explain a lint rule or diagnostic code",
		Long: `Explain prints the documentation of a rule or code: what it finds, why it
matters, its default severity, and an input it reports with the same input
fixed. Rules are named by ID (PC4004) or name (latest-image).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r := lint.Lookup(args[0])
			if r == nil {
				var names []string
				for _, r := range lint.Rules() {
					names = append(names, r.ID, r.Name)
				}
				msg := fmt.Sprintf("no rule or code %q", args[0])
				if s := diag.DidYouMean(args[0], names); s != "" {
					msg += "; " + s
				}
				return fmt.Errorf("%s\nRun 'pipec lint --list-rules' for the list", msg)
			}
			return explain(stdio.Out, r)
		},
	}
}

// explain writes a rule's documentation as text.
func explain(w io.Writer, r *lint.Rule) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %s\n\n", r.ID, r.Name, r.Title)
	fmt.Fprintf(&b, "Category: %s. Default: %s.", r.Category, r.DefaultSetting())
	if r.TektonLint != "" {
		fmt.Fprintf(&b, " tekton-lint equivalent: %s.", r.TektonLint)
	}
	fmt.Fprintf(&b, "\n%s\n\n%s\n\nReported:\n\n%s\nFixed:\n\n%s", r.HelpURI(), strings.TrimSpace(r.Doc), indent(r.Bad), indent(r.Good))
	_, err := io.WriteString(w, b.String())
	return err
}

// explainMarkdown is a rule's documentation as Markdown, for SARIF's help.
func explainMarkdown(r *lint.Rule) string {
	return fmt.Sprintf("%s\n\nReported:\n\n```%s\n%s```\n\nFixed:\n\n```%s\n%s```\n", strings.TrimSpace(r.Doc), r.ExampleLang(), r.Bad, r.ExampleLang(), r.Good)
}

func indent(s string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(s, "\n") {
		if l != "" {
			b.WriteString("    " + l)
		}
	}
	return b.String()
}
