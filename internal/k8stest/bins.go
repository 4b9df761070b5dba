package k8stest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// KubernetesVersion is the release the binaries are built from. It must match
// K8S_VERSION in hack/k8s-bins.sh (a test checks that).
const KubernetesVersion = "v1.34.4"

// module is the path of pipec's module, which marks the repository root.
const module = "github.com/pipec-dev/pipec"

// buildScript is the script that builds the binaries, relative to the root.
const buildScript = "hack/k8s-bins.sh"

// controlPlaneBins are the binaries Start needs; kubectl is looked up only by
// Kubectl, so a tree built with --no-kubectl can still start a cluster.
var controlPlaneBins = []string{"etcd", "kube-apiserver", "kube-controller-manager"}

// BinDir returns the directory that holds the binaries: $PIPEC_K8S_BIN_DIR,
// or the per-version directory in the user's cache, as hack/k8s-bins.sh
// chooses it.
func BinDir() string {
	if d := os.Getenv("PIPEC_K8S_BIN_DIR"); d != "" {
		return d
	}
	home, err := os.UserHomeDir()
	if err != nil {
		// No HOME: the script would fail the same way; a relative dir
		// makes the error below name a path rather than "".
		home = "."
	}
	return filepath.Join(home, ".cache", "pipec", "k8s-"+KubernetesVersion)
}

// missingBins returns the names of the binaries absent from dir.
func missingBins(dir string, names []string) []string {
	var missing []string
	for _, name := range names {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
			missing = append(missing, name)
		}
	}
	return missing
}

// ensureBins makes sure the control-plane binaries are in dir, running the
// build script when they are not. The script's progress goes to stderr: the
// first build takes minutes and a silent test would look hung.
func ensureBins(ctx context.Context, dir string) error {
	missing := missingBins(dir, controlPlaneBins)
	if len(missing) == 0 {
		return nil
	}
	root, err := repoRoot()
	if err != nil {
		return fmt.Errorf("k8stest: %s missing in %s, and cannot find %s to build them: %w",
			strings.Join(missing, ", "), dir, buildScript, err)
	}
	script := filepath.Join(root, buildScript)
	fmt.Fprintf(os.Stderr, "k8stest: %s missing in %s; running %s (minutes on a fresh machine)\n",
		strings.Join(missing, ", "), dir, script)
	cmd := exec.CommandContext(ctx, "bash", script)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "PIPEC_K8S_BIN_DIR="+dir)
	cmd.Stdout = os.Stderr
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("k8stest: %s: %w", script, err)
	}
	if missing := missingBins(dir, controlPlaneBins); len(missing) > 0 {
		return fmt.Errorf("k8stest: %s ran but %s still missing in %s", script, strings.Join(missing, ", "), dir)
	}
	return nil
}

// repoRoot finds pipec's repository root: the nearest directory above the
// working directory (go test runs in the package's directory) whose go.mod
// declares pipec's module, or else the one above this source file.
func repoRoot() (string, error) {
	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		starts = append(starts, filepath.Dir(file))
	}
	for _, dir := range starts {
		for {
			if isRoot(dir) {
				return dir, nil
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	return "", errors.New("no directory above the working directory has pipec's go.mod")
}

// isRoot reports whether dir holds pipec's go.mod and the build script.
func isRoot(dir string) bool {
	if _, err := os.Stat(filepath.Join(dir, buildScript)); err != nil {
		return false
	}
	f, err := os.Open(filepath.Join(dir, "go.mod"))
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if fields := strings.Fields(sc.Text()); len(fields) == 2 && fields[0] == "module" {
			return strings.Trim(fields[1], `"`) == module
		}
	}
	return false
}
