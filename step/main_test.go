package step_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipec-dev/pipec/step"
)

// asWrapper makes the test binary behave as `pipec step`, so that tests run
// the wrapper as a real process, with real signals, exit codes and
// environment, without building pipec.
const asWrapper = "PIPEC_STEP_TEST_AS_WRAPPER"

func TestMain(m *testing.M) {
	if os.Getenv(asWrapper) == "1" {
		os.Exit(step.Main(os.Args[1:], os.Environ(), step.IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}))
	}
	os.Exit(m.Run())
}

// pod is a temporary stand-in for a step container's file system: /pipec,
// /tekton, the termination message and $HOME.
type pod struct {
	t                         testing.TB
	pipec, tekton, term, home string
	dir                       string
	env                       []string
}

func newPod(t testing.TB) *pod {
	t.Helper()
	dir := t.TempDir()
	p := &pod{
		t:      t,
		dir:    dir,
		pipec:  filepath.Join(dir, "pipec"),
		tekton: filepath.Join(dir, "tekton"),
		term:   filepath.Join(dir, "termination-log"),
		home:   filepath.Join(dir, "home"),
	}
	for _, d := range []string{p.pipec, filepath.Join(p.tekton, "results"), filepath.Join(p.tekton, "steps"), p.home} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// The kubelet creates the termination message file empty.
	p.write(p.term, "")
	p.env = []string{
		asWrapper + "=1",
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + p.home,
		step.EnvPipecDir + "=" + p.pipec,
		step.EnvTektonDir + "=" + p.tekton,
		step.EnvTerminationPath + "=" + p.term,
	}
	return p
}

// result is what one run of the wrapper did.
type result struct {
	stdout, stderr string
	code           int
}

// wrapper returns the command that runs the wrapper with args and the
// pod's environment plus env.
func (p *pod) wrapper(args []string, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append([]string(nil), p.env...), env...)
	cmd.Dir = p.dir
	return cmd
}

// run runs the wrapper to its end.
func (p *pod) run(args []string, env ...string) result {
	p.t.Helper()
	cmd := p.wrapper(args, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		p.t.Fatalf("running the wrapper: %v", err)
	}
	return result{stdout.String(), stderr.String(), cmd.ProcessState.ExitCode()}
}

func (p *pod) write(path, content string) {
	p.t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		p.t.Fatal(err)
	}
}

func (p *pod) read(path string) string {
	p.t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		p.t.Fatal(err)
	}
	return string(b)
}

// exitCode is what the wrapper wrote to /tekton/steps/step-NAME/exitCode.
func (p *pod) exitCode(name string) string {
	p.t.Helper()
	return p.read(filepath.Join(p.tekton, "steps", "step-"+name, "exitCode"))
}

func (r result) wantCode(t *testing.T, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, code, r.stdout, r.stderr)
	}
}

func (r result) wantStdout(t *testing.T, want string) {
	t.Helper()
	if r.stdout != want {
		t.Errorf("stdout:\n%q\nwant:\n%q\nstderr:\n%s", r.stdout, want, r.stderr)
	}
}

func (r result) wantStderrContains(t *testing.T, want string) {
	t.Helper()
	if !strings.Contains(r.stderr, want) {
		t.Errorf("stderr:\n%s\nwant it to contain %q", r.stderr, want)
	}
}
