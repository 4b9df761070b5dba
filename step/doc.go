// Package step is `pipec step`, the wrapper that runs one Tekton step inside
// its container. The compiler makes every step container's entrypoint
//
//	/pipec/bin/pipec step --name NAME [flags] [-- COMMAND [ARG...]]
//
// and this package does at run time what Tekton's entrypoint and creds-init
// do: it initialises credentials in $HOME, substitutes the run-time values
// that reach it as PIPEC.<key> environment variables (and the results of
// earlier steps, read from /tekton/steps), writes the script to a file and
// runs it (a shebang is honoured, otherwise "#!/bin/sh\nset -e\n" is
// prepended), forwards signals, enforces the step's timeout and onError, and
// writes the results into the container's termination message.
//
// The command line is the contract with the compiler; docs/design.md, "The
// step wrapper", describes it. The package is plain library code with no
// command-line framework in it: [ParseArgs] reads the command line, [Run]
// runs a step, and [Main] does both the way the pipec binary does.
//
// The wrapper runs before every step of every task, so it is kept lean: it
// reads the environment once, does no work at package initialisation, and
// besides the step's exitCode file touches the file system only where a
// flag asks it to.
package step
