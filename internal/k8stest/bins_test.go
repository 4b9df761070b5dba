package k8stest

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

func TestScriptVersionMatches(t *testing.T) {
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile(filepath.Join(root, buildScript))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^K8S_VERSION=(\S+)$`).FindSubmatch(script)
	if m == nil {
		t.Fatalf("%s sets no K8S_VERSION", buildScript)
	}
	if string(m[1]) != KubernetesVersion {
		t.Errorf("%s builds %s, KubernetesVersion is %s", buildScript, m[1], KubernetesVersion)
	}
}

func TestBinDir(t *testing.T) {
	t.Setenv("PIPEC_K8S_BIN_DIR", "/opt/k8s")
	if got := BinDir(); got != "/opt/k8s" {
		t.Errorf("BinDir() = %q with PIPEC_K8S_BIN_DIR set", got)
	}
	t.Setenv("PIPEC_K8S_BIN_DIR", "")
	t.Setenv("HOME", "/home/u")
	if got, want := BinDir(), "/home/u/.cache/pipec/k8s-"+KubernetesVersion; got != want {
		t.Errorf("BinDir() = %q, want %q", got, want)
	}
}

func TestMissingBins(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "etcd"), nil, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "kube-apiserver"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	got := missingBins(dir, controlPlaneBins)
	want := []string{"kube-apiserver", "kube-controller-manager"} // not executable, absent
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("missingBins = %v, want %v", got, want)
	}
}

func TestNamespacePrefix(t *testing.T) {
	for in, want := range map[string]string{
		"TestSmoke":                "testsmoke-",
		"TestRun/matrix_3/Äpfel--": "testrun-matrix-3-pfel-",
		"__":                       "k8stest-",
		"TestAVeryLongNameThatGoesOnAndOnAndOnAndOnForever": "testaverylongnamethatgoesonandonandonand-",
	} {
		if got := namespacePrefix(in); got != want {
			t.Errorf("namespacePrefix(%q) = %q, want %q", in, got, want)
		}
	}
}
