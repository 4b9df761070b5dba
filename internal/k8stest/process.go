package k8stest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"
)

// process is one control-plane binary run by the harness. Its output goes to
// a log file; starting it again appends to the same file.
type process struct {
	name string // for messages: "etcd", "kube-apiserver", …
	path string
	args []string
	log  string // path of the log file

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has exited
	err  error         // cmd.Wait's result, set before done is closed
}

// start runs the binary. The child gets its own process group, so a Ctrl-C
// on `go test` reaches the harness rather than the control plane, and
// Pdeathsig, so that a test binary that dies (a panic, a -timeout) takes its
// control plane with it.
func (p *process) start() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd != nil {
		return fmt.Errorf("%s: already running", p.name)
	}
	logf, err := os.OpenFile(p.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("%s: %w", p.name, err)
	}
	fmt.Fprintf(logf, "==== k8stest: %s starting at %s: %s %s\n",
		p.name, time.Now().Format(time.RFC3339Nano), p.path, strings.Join(p.args, " "))

	cmd := exec.Command(p.path, p.args...)
	cmd.Stdout = logf
	cmd.Stderr = logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	done := make(chan struct{})
	started := make(chan error, 1)
	// Pdeathsig fires when the *thread* that forked the child exits, not
	// the process. The Go runtime may retire a thread, so the child is
	// forked and waited for on a thread locked to this goroutine, which
	// lives exactly as long as the child.
	go func() {
		runtime.LockOSThread()
		err := cmd.Start()
		started <- err
		if err != nil {
			runtime.UnlockOSThread()
			logf.Close()
			return
		}
		werr := cmd.Wait()
		logf.Close()
		p.mu.Lock()
		p.err = werr
		p.mu.Unlock()
		close(done)
		// The thread is left locked on purpose: the runtime then
		// retires it, which is harmless now that the child is gone.
	}()
	if err := <-started; err != nil {
		return fmt.Errorf("%s: %w", p.name, err)
	}
	p.cmd, p.done, p.err = cmd, done, nil
	return nil
}

// exited returns a channel closed when the process has exited, or nil when
// it is not running.
func (p *process) exited() <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.done
}

// exitErr describes how the process ended, for error messages.
func (p *process) exitErr() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err == nil {
		return errors.New("exited with status 0")
	}
	return p.err
}

// stop signals the process by its pid and waits for it to exit: SIGTERM
// first when grace > 0, SIGKILL after grace or at once. When drained is not
// nil, SIGKILL comes as soon as drained reports true: kube-apiserver stops
// serving within a second of SIGTERM but lingers for many seconds more.
func (p *process) stop(grace time.Duration, drained func() bool) {
	p.mu.Lock()
	cmd, done := p.cmd, p.done
	p.mu.Unlock()
	if cmd == nil {
		return
	}
	if grace > 0 {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		timeout := time.After(grace)
		tick := time.NewTicker(pollInterval)
	wait:
		for {
			select {
			case <-done:
				break wait
			case <-timeout:
				break wait
			case <-tick.C:
				if drained != nil && drained() {
					break wait
				}
			}
		}
		tick.Stop()
	}
	select {
	case <-done:
	default:
		_ = cmd.Process.Kill()
		<-done
	}
	p.mu.Lock()
	p.cmd, p.done = nil, nil
	p.mu.Unlock()
}

// pid returns the process's pid, or 0 when it is not running.
func (p *process) pid() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return 0
	}
	return p.cmd.Process.Pid
}

// logTail returns the last n lines of the process's log.
func (p *process) logTail(n int) string {
	data, err := os.ReadFile(p.log)
	if err != nil {
		return fmt.Sprintf("(cannot read %s: %v)", p.log, err)
	}
	lines := bytes.Split(bytes.TrimRight(data, "\n"), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return string(bytes.Join(lines, []byte("\n")))
}

// listening reports whether something accepts TCP connections on addr.
func listening(addr string) bool {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	conn.Close()
	return true
}

// freePorts returns n distinct TCP ports on 127.0.0.1 that nothing listens
// on now. They are free only until someone else takes one; Start retries
// when that happens.
func freePorts(n int) ([]int, error) {
	var ports []int
	for range n {
		// Held open until all are chosen, so that they differ.
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
