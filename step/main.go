package step

import (
	"errors"
	"fmt"
	"io"
)

// IO is the wrapper's standard streams; the step inherits them. When they
// are *os.File (as in the pipec binary) the step gets the files themselves,
// with no copying in between.
type IO struct {
	In       io.Reader
	Out, Err io.Writer
}

// Main is `pipec step`: it parses args (the command line after "step") and
// env, runs the step, prints what went wrong, and returns the exit code.
func Main(args, env []string, stdio IO) int {
	o, err := ParseArgs(args, env)
	if errors.Is(err, ErrHelp) {
		fmt.Fprint(stdio.Out, Usage)
		return 0
	}
	if err != nil {
		fmt.Fprintf(stdio.Err, "pipec step: %v\nRun 'pipec step --help' for usage.\n", err)
		return ExitUsage
	}
	o.Stdin, o.Stdout, o.Stderr = stdio.In, stdio.Out, stdio.Err
	code, err := Run(o)
	if err != nil {
		fmt.Fprintf(stdio.Err, "pipec step: %v\n", err)
	}
	return code
}
