// Package cli is pipec's command line: a thin cobra layer over the library
// packages. Each command lives in its own file and is built by a
// constructor; nothing here is global.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

// Exit codes. Findings and failures are told apart, so that CI can tell a
// broken pipeline from a broken tool.
const (
	ExitOK       = 0
	ExitFindings = 1
	ExitUsage    = 2
)

// exitError carries an exit code up to Main without printing anything more.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// IO is where a command reads and writes; tests substitute buffers.
type IO struct {
	In       io.Reader
	Out, Err io.Writer
}

// Main runs pipec with os.Args and returns the process exit code.
func Main() int {
	return Run(os.Args[1:], IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr})
}

// Run runs pipec with args and returns the exit code.
func Run(args []string, stdio IO) int {
	root := newRoot(stdio)
	root.SetArgs(args)
	err := root.Execute()
	var ee exitError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ee):
		return ee.code
	default:
		fmt.Fprintf(stdio.Err, "pipec: %v\n", err)
		return ExitUsage
	}
}

func newRoot(stdio IO) *cobra.Command {
	root := &cobra.Command{
		Use:   "pipec",
		Short: "Lint Tekton pipelines and compile them into plain Kubernetes Jobs",
		Long: `pipec checks Tekton pipelines written in YAML or CUE (schemas, references,
types, the task graph) and compiles a run into Kubernetes manifests that run
with no Tekton controller: one Job per task and a small coordinator Job.`,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetIn(stdio.In)
	root.SetOut(stdio.Out)
	root.SetErr(stdio.Err)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%w\nRun '%s --help' for usage", err, c.CommandPath())
	})
	root.AddCommand(
		newLintCmd(stdio),
		newExplainCmd(stdio),
		newVersionCmd(stdio),
		newStepCmd(stdio),
		newInstallCmd(),
		newSchemaCmd(stdio),
		newGraphCmd(stdio),
		newCompileCmd(stdio),
		newCoordinateCmd(stdio), newRunsCmd(stdio),
	)
	return root
}
