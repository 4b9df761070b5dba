package k8stest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// KubectlPath returns the kubectl built by hack/k8s-bins.sh, matching the
// control plane's version, or else the kubectl on PATH (an older one only
// warns about version skew).
func KubectlPath() (string, error) {
	built := filepath.Join(BinDir(), "kubectl")
	if len(missingBins(BinDir(), []string{"kubectl"})) == 0 {
		return built, nil
	}
	if path, err := exec.LookPath("kubectl"); err == nil {
		return path, nil
	}
	return "", fmt.Errorf("k8stest: no kubectl: %s is missing (run hack/k8s-bins.sh without --no-kubectl) and none is on PATH", built)
}

// Kubectl runs kubectl against the cluster as admin and returns its output.
// The error carries the command line and stderr.
func (c *Cluster) Kubectl(args ...string) (stdout, stderr string, err error) {
	return c.KubectlInput(context.Background(), nil, args...)
}

// KubectlInput is Kubectl with a context and a standard input, for
// `kubectl apply -f -` and the like.
func (c *Cluster) KubectlInput(ctx context.Context, stdin io.Reader, args ...string) (stdout, stderr string, err error) {
	path, err := KubectlPath()
	if err != nil {
		return "", "", err
	}
	full := []string{"--kubeconfig=" + c.kubeconfig}
	if c.cp != nil {
		// Discovery cache: kubectl's default is in $HOME/.kube.
		full = append(full, "--cache-dir="+filepath.Join(c.cp.dir, "kubectl-cache"))
	}
	full = append(full, args...)
	cmd := exec.CommandContext(ctx, path, full...)
	var out, errOut bytes.Buffer
	cmd.Stdin = stdin
	cmd.Stdout = &out
	cmd.Stderr = &errOut
	// Only the flags above choose the cluster: a KUBECONFIG in the
	// environment of the test must not add another.
	cmd.Env = withoutEnv(os.Environ(), "KUBECONFIG")
	err = cmd.Run()
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			err = fmt.Errorf("kubectl %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(errOut.String()))
		} else {
			err = fmt.Errorf("kubectl %s: %w", strings.Join(args, " "), err)
		}
	}
	return out.String(), errOut.String(), err
}

// withoutEnv returns env without the variable name.
func withoutEnv(env []string, name string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return out
}
