package step

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Run runs the step o describes and returns the code the wrapper exits
// with. A non-nil error is the wrapper's own failure or a rule it enforces
// (a timeout, results that do not fit); it is already in the termination
// message, for the caller to print. Warnings go to o.Stderr.
//
// The step's exit code is written to /tekton/steps/step-NAME/exitCode
// whatever happens: the child's code, or the wrapper's when the child could
// not run or ran out of time.
func Run(o Options) (int, error) {
	if err := o.validate(); err != nil {
		return ExitUsage, err
	}
	if o.Stdout == nil {
		o.Stdout = io.Discard
	}
	if o.Stderr == nil {
		o.Stderr = io.Discard
	}
	code, err := run(&o)
	if err != nil && code == 0 {
		code = ExitFailure
	}
	err = errors.Join(err, writeExitCode(o.Paths, o.Name, code))
	// onError continue forgives the step's own failure, not the wrapper's:
	// Tekton fails a timed-out step whatever onError says.
	exit := code
	if o.OnError == Continue && err == nil {
		exit = 0
	}
	err = errors.Join(err, report(&o, err))
	if err != nil && exit == 0 {
		exit = ExitFailure
	}
	return exit, err
}

// report writes the termination message: the results the flags name, and
// failure when there is one. It returns only new errors.
func report(o *Options, failure error) error {
	var m message
	var sets []resultSet
	var errs []error
	if len(o.Results) > 0 {
		rs, err := readResults("result", o.Paths.results(), o.Results, o.limit())
		m.Results, sets, errs = rs.values, append(sets, rs), append(errs, err)
	}
	if len(o.StepResults) > 0 {
		rs, err := readResults("step result", filepath.Join(o.Paths.stepDir(o.Name), "results"), o.StepResults, o.limit())
		m.StepResults, sets, errs = rs.values, append(sets, rs), append(errs, err)
	}
	if m.empty() && failure == nil && errors.Join(errs...) == nil {
		return nil
	}
	b, err := encodeMessage(m, o.limit(), sets...)
	if err != nil {
		errs = append(errs, err)
	}
	if all := errors.Join(failure, errors.Join(errs...)); all != nil {
		m.Error = all.Error()
		if b, err = encodeMessage(m, o.limit()); err != nil {
			// The results and the error do not fit together: the error
			// matters more.
			b, _ = encodeMessage(message{Error: truncate(all.Error(), o.limit()/2)}, o.limit())
		}
	}
	return errors.Join(append(errs, writeMessage(o.Paths.Termination, b))...)
}

// run prepares and runs the child and returns its exit code.
func run(o *Options) (int, error) {
	keys, env := splitEnv(o.Env)
	matrix, env, err := matrixParams(env)
	if err != nil {
		return ExitFailure, err
	}
	for k, val := range matrix {
		keys[k] = val
	}
	v := &values{keys: keys, paths: o.Paths, warn: o.Stderr}
	if err := v.substituteEnv(env); err != nil {
		return ExitFailure, err
	}
	argv, err := v.expandArgs(o.Command)
	if err != nil {
		return ExitFailure, err
	}
	workdir, err := v.substitute(o.Workdir)
	if err != nil {
		return ExitFailure, fmt.Errorf("--workdir: %w", err)
	}
	if o.Script != "" {
		script, err := v.substitute(o.Script)
		if err != nil {
			return ExitFailure, fmt.Errorf("script: %w", err)
		}
		path, err := writeScript(o.Paths, o.Name, script)
		if err != nil {
			return ExitFailure, err
		}
		argv = append([]string{path}, argv...)
	}
	if len(argv) == 0 {
		// An empty array spliced into a command with no other word.
		return ExitFailure, errors.New("the command is empty after substitution")
	}
	if !o.Creds.empty() {
		if err := writeCreds(o.Creds, o.Paths, o.Home); err != nil {
			return ExitFailure, err
		}
		if fi, err := os.Stat(o.Paths.credsHome()); err == nil && fi.IsDir() {
			if err := writeCreds(o.Creds, o.Paths, o.Paths.credsHome()); err != nil {
				return ExitFailure, err
			}
		}
	}
	if len(o.StepResults) > 0 {
		// Tekton makes the directory, so that a script can write
		// $(step.results.R.path) straight away.
		if err := os.MkdirAll(filepath.Join(o.Paths.stepDir(o.Name), "results"), 0o755); err != nil {
			return ExitFailure, fmt.Errorf("step results: %w", err)
		}
	}
	if workdir != "" {
		if err := os.MkdirAll(workdir, 0o755); err != nil {
			return ExitFailure, fmt.Errorf("--workdir: %w", err)
		}
	}

	c := child{
		argv: argv, env: env, dir: workdir,
		stdin: o.Stdin, stdout: o.Stdout, stderr: o.Stderr,
		timeout: o.Timeout, grace: o.KillGrace,
	}
	var tees []*tee
	for _, t := range []struct {
		path string
		w    *io.Writer
	}{{o.StdoutPath, &c.stdout}, {o.StderrPath, &c.stderr}} {
		if t.path == "" {
			continue
		}
		tt, err := openTee(*t.w, t.path)
		if err != nil {
			closeTees(tees)
			return ExitFailure, fmt.Errorf("copying output: %w", err)
		}
		*t.w = tt
		tees = append(tees, tt)
	}

	e := c.run()
	err = closeTees(tees)
	switch {
	case e.startErr != nil && o.Script != "" && errors.Is(e.startErr, fs.ErrNotExist):
		// The script exists: what is missing is the interpreter its
		// shebang names, which the kernel's error does not say.
		return e.code, fmt.Errorf("cannot run the script: its interpreter %s is not in this image", interpreter(o.Script))
	case e.startErr != nil:
		return e.code, fmt.Errorf("cannot run %s: %w", argv[0], e.startErr)
	case e.timedOut && e.killed:
		return ExitTimeout, fmt.Errorf("step %q timed out after %v and was killed after ignoring SIGTERM for %v", o.Name, o.Timeout, o.KillGrace)
	case e.timedOut:
		return ExitTimeout, fmt.Errorf("step %q timed out after %v", o.Name, o.Timeout)
	}
	return e.code, err
}

// interpreter is the program a script's shebang line names.
func interpreter(script string) string {
	if rest, ok := strings.CutPrefix(script, "#!"); ok {
		line, _, _ := strings.Cut(rest, "\n")
		if f := strings.Fields(line); len(f) > 0 {
			return f[0]
		}
	}
	return "/bin/sh"
}

func closeTees(tees []*tee) error {
	var errs []error
	for _, t := range tees {
		errs = append(errs, t.close())
	}
	return errors.Join(errs...)
}

// writeExitCode records the step's exit code where later steps find it:
// $(steps.step-NAME.exitCode.path).
func writeExitCode(p Paths, name string, code int) error {
	dir := p.stepDir(name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("writing the exit code: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "exitCode"), []byte(strconv.Itoa(code)), 0o644); err != nil {
		return fmt.Errorf("writing the exit code: %w", err)
	}
	return nil
}

// truncate cuts s to at most n bytes, at a character boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// limit is the termination message budget, never above the kubelet's 4096.
func (o *Options) limit() int {
	if o.MessageLimit <= 0 || o.MessageLimit > MaxTerminationMessage {
		return MaxTerminationMessage
	}
	return o.MessageLimit
}
