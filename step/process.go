package step

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

// Exit codes of the wrapper itself. A step's own exit code is passed
// through; these are for what happens around it.
const (
	ExitFailure    = 1   // the wrapper failed: results too large, credentials, …
	ExitUsage      = 2   // a bad command line
	ExitTimeout    = 124 // the step ran out of time, as timeout(1) reports it
	ExitCannotExec = 126 // the command exists but cannot be executed, as sh reports it
	ExitNotFound   = 127 // the command does not exist, as sh reports it
)

// pipeDrain bounds how long output is still copied after the step exits: a
// background process the step left behind may hold the pipe open forever.
const pipeDrain = time.Second

// child is the process of a step.
type child struct {
	argv    []string
	env     []string
	dir     string
	stdin   io.Reader
	stdout  io.Writer
	stderr  io.Writer
	timeout time.Duration
	grace   time.Duration
}

// ended is how a child ended.
type ended struct {
	code     int   // the exit code, 128+N for signal N
	startErr error // it never ran
	timedOut bool
	killed   bool // it outlived SIGTERM and was sent SIGKILL
}

// run starts the child in its own process group, forwards signals to the
// group, enforces the timeout, and waits.
func (c child) run() ended {
	cmd := exec.Command(c.argv[0], c.argv[1:]...)
	cmd.Env = c.env
	cmd.Dir = c.dir
	cmd.Stdin, cmd.Stdout, cmd.Stderr = c.stdin, c.stdout, c.stderr
	// Its own group, so that a signal or a kill reaches whatever the step
	// started too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = pipeDrain

	// In a pod the wrapper is PID 1 of its container: the kubelet's SIGTERM
	// reaches it alone, and it passes it on.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	defer signal.Stop(sigs)

	if err := cmd.Start(); err != nil {
		return ended{code: startCode(err), startErr: err}
	}
	group := cmd.Process.Pid
	waited := make(chan struct{})
	go func() {
		// The error is in ProcessState; ErrWaitDelay only means the output
		// pipes were closed on a leftover process.
		_ = cmd.Wait()
		close(waited)
	}()

	var e ended
	var deadline, killAt <-chan time.Time
	if c.timeout > 0 {
		t := time.NewTimer(c.timeout)
		defer t.Stop()
		deadline = t.C
	}
	for {
		select {
		case s := <-sigs:
			signalGroup(cmd.Process, group, s.(syscall.Signal))
		case <-deadline:
			e.timedOut = true
			signalGroup(cmd.Process, group, syscall.SIGTERM)
			killAt = time.After(c.grace)
			deadline = nil
		case <-killAt:
			e.killed = true
			signalGroup(cmd.Process, group, syscall.SIGKILL)
			killAt = nil
		case <-waited:
			if e.timedOut {
				// What the step started must not outlive it.
				_ = syscall.Kill(-group, syscall.SIGKILL)
			}
			e.code = exitCode(cmd.ProcessState)
			return e
		}
	}
}

// signalGroup signals the step's process group, or the step alone when the
// group is gone.
func signalGroup(p *os.Process, group int, s syscall.Signal) {
	if err := syscall.Kill(-group, s); err != nil {
		_ = p.Signal(s)
	}
}

// exitCode is the code a shell would report for a process that ended.
func exitCode(ps *os.ProcessState) int {
	if ps == nil {
		return ExitFailure
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}

func startCode(err error) int {
	switch {
	case errors.Is(err, exec.ErrNotFound), errors.Is(err, fs.ErrNotExist):
		return ExitNotFound
	case errors.Is(err, fs.ErrPermission), errors.Is(err, syscall.ENOEXEC):
		return ExitCannotExec
	}
	return ExitFailure
}

// tee copies output to the container's stream and to a file. A failure to
// write the file is kept for later rather than returned: returning it would
// break the step's pipe and kill the step for a copy.
type tee struct {
	w    io.Writer
	f    *os.File
	path string
	err  error
}

func openTee(w io.Writer, path string) (*tee, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o666)
	if errors.Is(err, fs.ErrNotExist) {
		if err = os.MkdirAll(filepath.Dir(path), 0o755); err == nil {
			f, err = os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o666)
		}
	}
	if err != nil {
		return nil, err
	}
	return &tee{w: w, f: f, path: path}, nil
}

func (t *tee) Write(p []byte) (int, error) {
	if t.err == nil {
		if _, err := t.f.Write(p); err != nil {
			t.err = err
		}
	}
	return t.w.Write(p)
}

// close closes the file and returns the first error writing it.
func (t *tee) close() error {
	err := t.f.Close()
	if t.err != nil {
		err = t.err
	}
	if err != nil {
		return fmt.Errorf("copying output to %s: %w", t.path, err)
	}
	return nil
}
