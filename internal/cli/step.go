package cli

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/pipec-dev/pipec/step"
)

// newStepCmd is `pipec step`. The step package parses its own command line:
// it is the contract with the compiler, and everything after "--" must reach
// the step untouched, so cobra's flag parsing is off.
func newStepCmd(stdio IO) *cobra.Command {
	return &cobra.Command{
		Use:                "step --name NAME [flags] [-- COMMAND [ARG...]]",
		Short:              "Run one step of a task inside its container (runtime)",
		Long:               step.Usage,
		DisableFlagParsing: true,
		RunE: func(_ *cobra.Command, args []string) error {
			code := step.Main(args, os.Environ(), step.IO{In: stdio.In, Out: stdio.Out, Err: stdio.Err})
			if code != 0 {
				return exitError{code}
			}
			return nil
		},
	}
}
