package cli

import (
	"github.com/spf13/cobra"

	"github.com/pipec-dev/pipec/compiler"
	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/lint"
	"github.com/pipec-dev/pipec/load"
	"github.com/pipec-dev/pipec/report"
)

func newLintCmd(stdio IO) *cobra.Command {
	var format string
	var includes []string
	cmd := &cobra.Command{
		Use:   "lint [flags] PATH...",
		Short: "Check Tekton YAML or CUE files",
		Long: `Lint reads files and directories (recursively: *.yaml, *.yml, *.cue; "-"
for stdin), validates every Tekton object against pipec's schemas, checks
every $(…) reference, the objects' references to each other and the task
graph, and reports what it finds.

Exit status: 0 when nothing reaches the failing severity, 1 when something
does, 2 for a usage or I/O error.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := report.New(format)
			if err != nil {
				return err
			}
			set, err := load.Paths(args, stdio.In)
			if err != nil {
				return err
			}
			var lib *compiler.Library
			if len(includes) > 0 {
				if lib, err = compiler.LoadLibrary(includes); err != nil {
					return err
				}
			}
			ds := lint.Run(set, lint.Options{Library: lib}).Diags
			if err := f.Format(stdio.Out, ds, report.NewSources(set.Files)); err != nil {
				return err
			}
			if diag.HasErrors(ds) {
				return exitError{ExitFindings}
			}
			return nil
		},
	}
	cmd.Flags().StringArrayVarP(&includes, "include", "I", nil, "directory to search for referenced Tasks and Pipelines (repeatable)")
	cmd.Flags().StringVarP(&format, "format", "f", "text", "output format: text or json")
	return cmd
}
