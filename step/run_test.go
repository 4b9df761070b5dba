package step_test

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/pipec-dev/pipec/step"
)

func TestScriptWithoutShebangStopsAtTheFirstFailure(t *testing.T) {
	p := newPod(t)
	r := p.run([]string{"--name", "build", "--script", "echo one\nfalse\necho two\n"})
	r.wantCode(t, 1)
	r.wantStdout(t, "one\n")
	if got := p.exitCode("build"); got != "1" {
		t.Errorf("exitCode file: %q, want 1", got)
	}
	script := filepath.Join(p.pipec, "scripts", "build")
	if got, want := p.read(script), "#!/bin/sh\nset -e\necho one\nfalse\necho two\n"; got != want {
		t.Errorf("script file:\n%q\nwant:\n%q", got, want)
	}
	fi, err := os.Stat(script)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o755 {
		t.Errorf("script mode %v, want 0755", fi.Mode().Perm())
	}
}

func TestScriptWithShebangRunsAsIs(t *testing.T) {
	p := newPod(t)
	r := p.run([]string{"--name", "s", "--script", "#!/bin/sh\necho one\nfalse\necho two\n"})
	r.wantCode(t, 0)
	r.wantStdout(t, "one\ntwo\n")

	// Another interpreter: cat prints the script it is given.
	script := "#!/bin/cat\nnot shell at all\n"
	r = p.run([]string{"--name", "c", "--script", script})
	r.wantCode(t, 0)
	r.wantStdout(t, script)
}

func TestScriptArgs(t *testing.T) {
	p := newPod(t)
	r := p.run([]string{"--name", "s", "--script", `printf '%s|' "$0" "$@"`, "--", "a b", "", "-c"})
	r.wantCode(t, 0)
	r.wantStdout(t, filepath.Join(p.pipec, "scripts", "s")+"|a b||-c|")
}

func TestCommandExitCodes(t *testing.T) {
	p := newPod(t)
	for _, tc := range []struct {
		name string
		cmd  []string
		code int
	}{
		{"ok", []string{"true"}, 0},
		{"seven", []string{"sh", "-c", "exit 7"}, 7},
		{"signalled", []string{"sh", "-c", "kill -TERM $$"}, 128 + int(syscall.SIGTERM)},
		{"missing", []string{"no-such-command-pipec-test"}, step.ExitNotFound},
		{"notexec", []string{"/dev/null"}, step.ExitCannotExec},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := p.run(append([]string{"--name", tc.name, "--"}, tc.cmd...))
			r.wantCode(t, tc.code)
			if got, want := p.exitCode(tc.name), strconv.Itoa(tc.code); got != want {
				t.Errorf("exitCode file %q, want %q", got, want)
			}
		})
	}
}

func TestCommandThatCannotStartSaysWhy(t *testing.T) {
	p := newPod(t)
	r := p.run([]string{"--name", "s", "--", "no-such-command-pipec-test"})
	r.wantCode(t, step.ExitNotFound)
	r.wantStderrContains(t, "cannot run no-such-command-pipec-test")
	if got := p.read(p.term); !strings.Contains(got, `"error":"cannot run no-such-command-pipec-test`) {
		t.Errorf("termination message %s, want the error", got)
	}
}

func TestOnError(t *testing.T) {
	p := newPod(t)
	for _, tc := range []struct {
		mode       string
		cmd        string
		code       int
		exitCodeIs string
	}{
		{"continue", "exit 3", 0, "3"},
		{"continue", "exit 0", 0, "0"},
		{"stopAndFail", "exit 3", 3, "3"},
		{"stopAndFail", "exit 0", 0, "0"},
	} {
		t.Run(tc.mode+" "+tc.cmd, func(t *testing.T) {
			r := p.run([]string{"--name", "s", "--on-error", tc.mode, "--", "sh", "-c", tc.cmd})
			r.wantCode(t, tc.code)
			if got := p.exitCode("s"); got != tc.exitCodeIs {
				t.Errorf("exitCode file %q, want %q", got, tc.exitCodeIs)
			}
		})
	}
}

func TestTimeout(t *testing.T) {
	p := newPod(t)
	// onError continue does not forgive a timeout, as in Tekton.
	r := p.run([]string{"--name", "slow", "--timeout", "100ms", "--on-error", "continue", "--", "sleep", "60"})
	r.wantCode(t, step.ExitTimeout)
	r.wantStderrContains(t, `step "slow" timed out after 100ms`)
	if got := p.exitCode("slow"); got != strconv.Itoa(step.ExitTimeout) {
		t.Errorf("exitCode file %q, want %d", got, step.ExitTimeout)
	}
	if got := p.read(p.term); !strings.Contains(got, `timed out after 100ms`) {
		t.Errorf("termination message %s, want the timeout", got)
	}
}

func TestTimeoutKillsAStepThatIgnoresSIGTERM(t *testing.T) {
	p := newPod(t)
	// sleep inherits the ignored SIGTERM; only SIGKILL to the whole process
	// group ends this step before a minute has passed.
	r := p.run([]string{"--name", "stubborn", "--timeout", "100ms", "--script", "trap '' TERM\nsleep 60\n"},
		step.EnvKillGrace+"=100ms")
	r.wantCode(t, step.ExitTimeout)
	r.wantStderrContains(t, "killed after ignoring SIGTERM for 100ms")
}

func TestSignalsAreForwarded(t *testing.T) {
	p := newPod(t)
	cmd := p.wrapper([]string{"--name", "s", "--script",
		"trap 'echo got TERM; exit 3' TERM\necho ready\nwhile :; do sleep 1; done\n"})
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	rd := bufio.NewReader(out)
	if line, err := rd.ReadString('\n'); line != "ready\n" {
		t.Fatalf("first line %q (%v), want ready", line, err)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(rd)
	_ = cmd.Wait()
	if got := cmd.ProcessState.ExitCode(); got != 3 {
		t.Errorf("exit code %d, want 3 (the script's trap)", got)
	}
	if string(rest) != "got TERM\n" {
		t.Errorf("stdout after ready: %q, want the trap's output", rest)
	}
}

func TestStdoutAndStderrAreTeed(t *testing.T) {
	p := newPod(t)
	out := filepath.Join(p.dir, "logs", "new", "out.txt")
	errPath := filepath.Join(p.dir, "err.txt")
	p.write(errPath, "before\n")
	r := p.run([]string{"--name", "s", "--stdout", out, "--stderr", errPath,
		"--script", "echo out1\necho err1 >&2\necho out2\n"})
	r.wantCode(t, 0)
	r.wantStdout(t, "out1\nout2\n")
	if r.stderr != "err1\n" {
		t.Errorf("stderr %q, want err1", r.stderr)
	}
	if got := p.read(out); got != "out1\nout2\n" {
		t.Errorf("stdout file %q", got)
	}
	// Appended, as Tekton does, so both streams may share one file.
	if got := p.read(errPath); got != "before\nerr1\n" {
		t.Errorf("stderr file %q", got)
	}
}

func TestTeeDoesNotWaitForLeftoverProcesses(t *testing.T) {
	p := newPod(t)
	// The background sleep keeps the copied output's pipe open; the step
	// must end all the same, with the sleep still running.
	pidFile := filepath.Join(p.dir, "pid")
	r := p.run([]string{"--name", "s", "--stdout", filepath.Join(p.dir, "out"),
		"--script", "sleep 60 2>/dev/null &\necho $! >" + pidFile + "\necho done\n"})
	r.wantCode(t, 0)
	r.wantStdout(t, "done\n")
	pid, err := strconv.Atoi(strings.TrimSpace(p.read(pidFile)))
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Errorf("the background process is gone (%v): the wrapper waited for it", err)
	}
}

func TestWorkdir(t *testing.T) {
	p := newPod(t)
	dir := filepath.Join(p.dir, "work", "space")
	r := p.run([]string{"--name", "s", "--workdir", "$(tasks.a.results.dir)/space", "--", "pwd"},
		"PIPEC.tasks.a.results.dir="+filepath.Join(p.dir, "work"))
	r.wantCode(t, 0)
	r.wantStdout(t, dir+"\n")

	// A script written under a relative /pipec still runs from elsewhere.
	r = p.run([]string{"--name", "s", "--workdir", dir, "--script", "pwd"}, step.EnvPipecDir+"=relative/pipec")
	r.wantCode(t, 0)
	r.wantStdout(t, dir+"\n")
}

func TestUsageErrors(t *testing.T) {
	p := newPod(t)
	for _, args := range [][]string{
		{"--script", "true"},
		{"--name", "s"},
		{"--name", "s", "--on-error", "ignore", "--", "true"},
		{"--name", "../s", "--", "true"},
		{"--name", "s", "--no-such-flag", "--", "true"},
		{"--name", "s", "--timeout", "soon", "--", "true"},
		{"--name", "s", "--basic-git", "nourl", "--", "true"},
	} {
		r := p.run(args)
		if r.code != step.ExitUsage || !strings.Contains(r.stderr, "pipec step: ") {
			t.Errorf("%q: exit code %d, stderr %q; want %d and a message", args, r.code, r.stderr, step.ExitUsage)
		}
	}
	r := p.run([]string{"--help"})
	r.wantCode(t, 0)
	r.wantStdout(t, step.Usage)
}

func TestRunTimeValues(t *testing.T) {
	p := newPod(t)
	values := []string{
		"PIPEC.tasks.build.results.id=v0.3.0",
		`PIPEC.tasks.build.results.files=["a.go","b c.go"]`,
		`PIPEC.tasks.build.results.image={"url":"reg/app","digest":"sha256:1"}`,
		"TAG=app:$(tasks.build.results.id)",
	}
	script := `echo "id=$(tasks.build.results.id) image=$(tasks.build.results.image.url)@$(tasks.build.results.image.digest)"
echo "TAG=$TAG"
echo 'unknown=$(tasks.test.results.x) $(params.p)' "$(echo shell)"
env | grep '^PIPEC\.' || echo "no PIPEC. variables"
printf '[%s]' "$@"; echo
`
	r := p.run([]string{"--name", "s", "--script", script, "--",
		"$(tasks.build.results.files[*])", "$(tasks.build.results.files[0])", "x$(tasks.build.results.files[*])"}, values...)
	r.wantCode(t, 0)
	r.wantStdout(t, `id=v0.3.0 image=reg/app@sha256:1
TAG=app:v0.3.0
unknown=$(tasks.test.results.x) $(params.p) shell
no PIPEC. variables
[a.go][b c.go][a.go][x$(tasks.build.results.files[*])]
`)

	// The same in a command, not a script.
	r = p.run([]string{"--name", "c", "--", "printf", "[%s]", "$(tasks.build.results.files[*])", "$(tasks.build.results.id)"}, values...)
	r.wantCode(t, 0)
	r.wantStdout(t, "[a.go][b c.go][v0.3.0]")
}

func TestBadSelectionFailsTheStep(t *testing.T) {
	p := newPod(t)
	r := p.run([]string{"--name", "s", "--on-error", "continue", "--", "echo", "$(tasks.build.results.files[5])"},
		`PIPEC.tasks.build.results.files=["a"]`)
	r.wantCode(t, 1)
	r.wantStderrContains(t, "$(tasks.build.results.files[5]): index 5 out of range")
	if r.stdout != "" {
		t.Errorf("the step ran: %q", r.stdout)
	}
}

func TestMissingInterpreterIsNamed(t *testing.T) {
	p := newPod(t)
	r := p.run([]string{"--name", "py", "--script", "#!/no/such/python3 -u\nprint('hi')\n"})
	r.wantCode(t, step.ExitNotFound)
	r.wantStderrContains(t, "cannot run the script: its interpreter /no/such/python3 is not in this image")
}
