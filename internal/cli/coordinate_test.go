package cli_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipec-dev/pipec/internal/cli"
)

// TestCoordinateCommand checks `pipec coordinate`'s flags: a missing run,
// and a kubeconfig that names no cluster, are usage errors (exit 2), told
// apart from a failed run (exit 1).
func TestCoordinateCommand(t *testing.T) {
	var out, errb bytes.Buffer
	stdio := cli.IO{In: strings.NewReader(""), Out: &out, Err: &errb}
	if code := cli.Run([]string{"coordinate"}, stdio); code != cli.ExitUsage || !strings.Contains(errb.String(), "--run is required") {
		t.Errorf("coordinate without --run: exit code %d, stderr %q", code, errb.String())
	}

	// An empty kubeconfig, and no in-cluster service account.
	kc := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(kc, []byte("apiVersion: v1\nkind: Config\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KUBERNETES_SERVICE_HOST", "")
	for _, args := range [][]string{
		{"coordinate", "--run", "r", "--kubeconfig", kc},
		{"runs", "describe", "r", "--kubeconfig", kc},
	} {
		errb.Reset()
		if code := cli.Run(args, stdio); code != cli.ExitUsage || !strings.Contains(errb.String(), "no cluster to talk to") {
			t.Errorf("%s: exit code %d, stderr %q", strings.Join(args, " "), code, errb.String())
		}
	}
}
