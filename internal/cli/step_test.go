package cli_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipec-dev/pipec/internal/cli"
	"github.com/pipec-dev/pipec/step"
)

// TestStepCommand checks the wiring of `pipec step`: the command line
// reaches the step package untouched and the step's exit code is pipec's.
func TestStepCommand(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(step.EnvPipecDir, filepath.Join(dir, "pipec"))
	t.Setenv(step.EnvTektonDir, filepath.Join(dir, "tekton"))
	t.Setenv(step.EnvTerminationPath, filepath.Join(dir, "termination-log"))

	var out, errb bytes.Buffer
	stdio := cli.IO{In: strings.NewReader(""), Out: &out, Err: &errb}
	// --help after "--" belongs to the step, not to pipec.
	code := cli.Run([]string{"step", "--name", "s", "--", "sh", "-c", `echo "$1"; exit 3`, "sh", "--help"}, stdio)
	if code != 3 || out.String() != "--help\n" {
		t.Errorf("exit code %d, stdout %q, stderr %q; want 3 and --help", code, out.String(), errb.String())
	}

	out.Reset()
	if code := cli.Run([]string{"step", "--help"}, stdio); code != 0 || out.String() != step.Usage {
		t.Errorf("step --help: exit code %d, stdout %q", code, out.String())
	}

	errb.Reset()
	if code := cli.Run([]string{"step", "--bogus"}, stdio); code != step.ExitUsage || !strings.Contains(errb.String(), "--bogus") {
		t.Errorf("step --bogus: exit code %d, stderr %q", code, errb.String())
	}
}

func TestInstallCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "bin")
	var out, errb bytes.Buffer
	if code := cli.Run([]string{"install", dir}, cli.IO{Out: &out, Err: &errb}); code != 0 {
		t.Fatalf("exit code %d, stderr %q", code, errb.String())
	}
	if fi, err := os.Stat(filepath.Join(dir, "pipec")); err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("installed binary: %v, %v", fi, err)
	}
	if code := cli.Run([]string{"install"}, cli.IO{Out: &out, Err: &errb}); code == 0 {
		t.Errorf("install without DIR succeeded")
	}
}
