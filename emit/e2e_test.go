//go:build e2e

package emit_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/pipec-dev/pipec/compiler"
	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/emit"
	"github.com/pipec-dev/pipec/internal/k8stest"
	"github.com/pipec-dev/pipec/lint"
	"github.com/pipec-dev/pipec/load"
	"github.com/pipec-dev/pipec/source"
)

// cluster is the control plane shared by this package's e2e tests.
var cluster *k8stest.Cluster

func TestMain(m *testing.M) {
	c, err := k8stest.Start(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	cluster = c
	code := m.Run()
	c.Stop()
	os.Exit(code)
}

// writeFiles writes compiled files into a new directory.
func writeFiles(t *testing.T, files []emit.File) string {
	dir := t.TempDir()
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// namespaceOf returns the namespace compiled objects name, if any: the
// --namespace option's, or the run's own.
func namespaceOf(files []emit.File) string {
	for _, f := range files {
		for _, line := range strings.Split(string(f.Data), "\n") {
			if v, ok := strings.CutPrefix(line, "  namespace: "); ok {
				return v
			}
		}
	}
	return ""
}

// TestGoldenOnAPIServer applies every golden output to a real API server:
// first with server-side dry-run, which runs the full validation and
// admission, then for real, and checks that every object was created.
func TestGoldenOnAPIServer(t *testing.T) {
	for _, name := range archives(t) {
		ar, err := txtar.ParseFile(name)
		if err != nil {
			t.Fatal(err)
		}
		r := compileArchive(t, ar, false)
		if len(r.files) == 0 {
			continue // a refusal: nothing to apply
		}
		t.Run(strings.TrimSuffix(filepath.Base(name), ".txtar"), func(t *testing.T) {
			dir := writeFiles(t, r.files)
			ns := namespaceOf(r.files)
			switch ns {
			case "":
				ns = cluster.NewNamespace(t)
			case "default":
				// Not ours to delete: remove what is applied there.
				t.Cleanup(func() { cluster.Kubectl("delete", "-n", ns, "-R", "-f", dir, "--wait=false") })
			default:
				if _, _, err := cluster.Kubectl("create", "namespace", ns); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { cluster.Kubectl("delete", "namespace", ns, "--wait=false") })
			}
			if _, _, err := cluster.Kubectl("apply", "--dry-run=server", "-n", ns, "-R", "-f", dir); err != nil {
				t.Fatalf("server-side dry-run refused the output: %v", err)
			}
			if _, _, err := cluster.Kubectl("apply", "-n", ns, "-R", "-f", dir); err != nil {
				t.Fatalf("apply: %v", err)
			}
			out, _, err := cluster.Kubectl("get", "-n", ns, "serviceaccounts,roles,rolebindings,configmaps,persistentvolumeclaims,jobs",
				"-l", "app.kubernetes.io/managed-by=pipec", "-o", "name")
			if err != nil {
				t.Fatal(err)
			}
			if got := len(strings.Fields(out)); got != len(r.files) {
				t.Errorf("%d objects labelled managed-by=pipec in %s, want %d:\n%s", got, ns, len(r.files), out)
			}
		})
	}
}

const rbacInput = `apiVersion: tekton.dev/v1
kind: Pipeline
metadata:
  name: p
spec:
  tasks:
    - name: a
      taskSpec:
        results: [{name: out}]
        steps:
          - name: s
            image: alpine:3.20
            script: echo -n x > $(results.out.path)
    - name: b
      params: [{name: in, value: $(tasks.a.results.out)}]
      taskSpec:
        params: [{name: in}]
        steps:
          - name: s
            image: alpine:3.20
            script: echo $(params.in)
---
apiVersion: tekton.dev/v1
kind: PipelineRun
metadata:
  name: one
spec:
  pipelineRef: {name: p}
---
apiVersion: tekton.dev/v1
kind: PipelineRun
metadata:
  name: two
spec:
  pipelineRef: {name: p}
`

// TestCoordinatorRBAC checks the coordinator's Role on the API server: it
// may patch its own run's Jobs and results, and nothing of another run's,
// and may not read Secrets.
func TestCoordinatorRBAC(t *testing.T) {
	set := load.Files([]*source.File{source.NewFile("rbac.yaml", []byte(rbacInput))})
	res := lint.Run(set, lint.Options{Library: (*compiler.Library)(nil)})
	if diag.HasErrors(res.Diags) {
		t.Fatalf("input: %v", res.Diags)
	}
	out, ds := emit.Compile(res.Program, emit.Options{Image: testImage})
	if diag.HasErrors(ds) {
		t.Fatalf("compile: %v", ds)
	}
	files, err := out.Files()
	if err != nil {
		t.Fatal(err)
	}
	ns := cluster.NewNamespace(t)
	if _, _, err := cluster.Kubectl("apply", "-n", ns, "-R", "-f", writeFiles(t, files)); err != nil {
		t.Fatal(err)
	}
	as := "system:serviceaccount:" + ns + ":one-coordinator"
	for _, c := range []struct {
		verb, what string
		want       bool
	}{
		{"patch", "jobs.batch/one-a", true},
		{"patch", "jobs.batch/one-b", true},
		{"patch", "jobs.batch/one-coordinator", true},
		{"watch", "jobs.batch", true},
		{"list", "pods", true},
		{"get", "configmaps/one-plan", true},
		{"patch", "configmaps/one-results", true},
		{"patch", "jobs.batch/two-a", false},
		{"patch", "jobs.batch/two-coordinator", false},
		{"patch", "configmaps/two-results", false},
		{"get", "configmaps/two-plan", false},
		{"patch", "configmaps/one-plan", false},
		{"create", "jobs.batch", false},
		{"delete", "jobs.batch/one-a", false},
		{"get", "secrets", false},
		{"list", "secrets", false},
		{"create", "pods", false},
	} {
		stdout, _, err := cluster.Kubectl("auth", "can-i", c.verb, c.what, "-n", ns, "--as", as)
		got := strings.TrimSpace(stdout) == "yes"
		if got != c.want || (err != nil) == c.want {
			t.Errorf("can-i %s %s as one-coordinator: %q (%v), want %v", c.verb, c.what, strings.TrimSpace(stdout), err, c.want)
		}
	}
}

// TestCoordinatorPodSecurity creates the coordinator's pod, as its Job
// would, with server-side dry-run in a namespace that enforces the
// "restricted" Pod Security profile: the API server admits it.
func TestCoordinatorPodSecurity(t *testing.T) {
	set := load.Files([]*source.File{source.NewFile("rbac.yaml", []byte(rbacInput))})
	res := lint.Run(set, lint.Options{})
	out, ds := emit.Compile(res.Program, emit.Options{Image: testImage, Run: "one"})
	if diag.HasErrors(ds) || diag.HasErrors(res.Diags) {
		t.Fatalf("compile: %v %v", res.Diags, ds)
	}
	files, err := out.Files()
	if err != nil {
		t.Fatal(err)
	}
	var job batchv1.Job
	for _, f := range files {
		if f.Name == "07-job-one-coordinator.yaml" {
			if err := yaml.Unmarshal(f.Data, &job); err != nil {
				t.Fatal(err)
			}
		}
	}
	if job.Name == "" {
		t.Fatal("no coordinator Job in the output")
	}
	ns := cluster.NewNamespace(t)
	if _, _, err := cluster.Kubectl("label", "namespace", ns, "pod-security.kubernetes.io/enforce=restricted"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := cluster.Kubectl("create", "serviceaccount", "-n", ns, job.Spec.Template.Spec.ServiceAccountName); err != nil {
		t.Fatal(err)
	}
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "coordinator", Namespace: ns}, Spec: job.Spec.Template.Spec}
	pod.Spec.RestartPolicy = corev1.RestartPolicyOnFailure
	_, err = cluster.Client().CoreV1().Pods(ns).Create(t.Context(), pod, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
	if err != nil {
		t.Errorf("the restricted profile refuses the coordinator's pod: %v", err)
	}
	// The check has teeth: a task's pod, which runs as the image's user,
	// is refused.
	var task batchv1.Job
	for _, f := range files {
		if f.Name == "06-job-one-a.yaml" {
			if err := yaml.Unmarshal(f.Data, &task); err != nil {
				t.Fatal(err)
			}
		}
	}
	bad := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "task", Namespace: ns}, Spec: task.Spec.Template.Spec}
	if _, err := cluster.Client().CoreV1().Pods(ns).Create(t.Context(), bad, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}}); err == nil {
		t.Error("the restricted profile admits a task's pod too: the check proves nothing")
	}
}
