//go:build e2e

package k8stest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/pipec-dev/pipec/internal/k8stest"
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
	fmt.Fprintln(os.Stderr, c)
	code := m.Run()
	c.Stop()
	os.Exit(code)
}

// deadline bounds each e2e test: the steps take a second or two, so hitting
// it means something is stuck, and the helpers' errors say what.
const deadline = 2 * time.Minute

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), deadline)
	t.Cleanup(cancel)
	return ctx
}

// job returns a suspended Job like the ones pipec emits: restartPolicy
// Never, no retries, an init container and two step containers.
func job(ns, name string) *batchv1.Job {
	return &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: batchv1.JobSpec{
			Suspend:      ptr(true),
			BackoffLimit: ptr[int32](0),
			Template: corev1.PodTemplateSpec{
				Spec: corev1.PodSpec{
					RestartPolicy:  corev1.RestartPolicyNever,
					InitContainers: []corev1.Container{{Name: "pipec-init", Image: "pipec:test"}},
					Containers: []corev1.Container{
						{Name: "step-build", Image: "golang:1.26"},
						{Name: "step-push", Image: "crane:latest"},
					},
				},
			},
		},
	}
}

func TestSmoke(t *testing.T) {
	ctx := testContext(t)
	client := cluster.Client()
	ns := cluster.NewNamespace(t)

	cm := &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "run-results", Namespace: ns},
		Data:       map[string]string{"tasks.build.status": "None"},
	}
	if _, err := client.CoreV1().ConfigMaps(ns).Create(ctx, cm, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	j, err := client.BatchV1().Jobs(ns).Create(ctx, job(ns, "run-build"), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cluster.WaitForJobCondition(ctx, ns, j.Name, batchv1.JobSuspended); err != nil {
		t.Fatal(err)
	}
	pods, err := client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(pods.Items) != 0 {
		t.Fatalf("suspended job has %d pods, want 0", len(pods.Items))
	}

	patch := []byte(`{"spec":{"suspend":false}}`)
	if _, err := client.BatchV1().Jobs(ns).Patch(ctx, j.Name, types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	kubelet := cluster.Kubelet()
	pod, err := kubelet.WaitForJobPod(ctx, ns, j.Name)
	if err != nil {
		t.Fatal(err)
	}
	if pod.Spec.NodeName != "" {
		t.Errorf("pod %s has nodeName %q, want it unscheduled", pod.Name, pod.Spec.NodeName)
	}
	if pod, err = kubelet.StartPod(ctx, pod); err != nil {
		t.Fatal(err)
	}
	if pod.Status.Phase != corev1.PodRunning {
		t.Fatalf("after StartPod: phase %s, want Running", pod.Status.Phase)
	}

	results := map[string]string{"digest": "sha256:0123", "tags": `["v1","latest"]`}
	if _, err := kubelet.SucceedPod(ctx, pod, results); err != nil {
		t.Fatal(err)
	}
	if _, err := cluster.WaitForJobCondition(ctx, ns, j.Name, batchv1.JobComplete); err != nil {
		t.Fatal(err)
	}

	// The message reads back from the API, on the last step container.
	got, err := client.CoreV1().Pods(ns).Get(ctx, pod.Name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status.Phase != corev1.PodSucceeded {
		t.Errorf("pod phase %s, want Succeeded", got.Status.Phase)
	}
	var msg string
	for _, cs := range got.Status.ContainerStatuses {
		if cs.Name == "step-push" && cs.State.Terminated != nil {
			msg = cs.State.Terminated.Message
		}
	}
	var decoded struct {
		Results map[string]string `json:"results"`
	}
	if err := json.Unmarshal([]byte(msg), &decoded); err != nil {
		t.Fatalf("termination message %q: %v", msg, err)
	}
	if decoded.Results["digest"] != results["digest"] || decoded.Results["tags"] != results["tags"] {
		t.Errorf("termination message results = %v, want %v", decoded.Results, results)
	}
}

func TestFailedJob(t *testing.T) {
	ctx := testContext(t)
	ns := cluster.NewNamespace(t)
	j := job(ns, "run-test")
	j.Spec.Suspend = ptr(false)
	if _, err := cluster.Client().BatchV1().Jobs(ns).Create(ctx, j, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	kubelet := cluster.Kubelet()
	pod, err := kubelet.WaitForJobPod(ctx, ns, j.Name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kubelet.FailPod(ctx, pod, 2, "go test: exit status 2"); err != nil {
		t.Fatal(err)
	}
	if _, err := cluster.WaitForJobCondition(ctx, ns, j.Name, batchv1.JobFailed); err != nil {
		t.Fatal(err)
	}
	// Waiting for Complete on a failed Job fails at once, with the reason.
	_, err = cluster.WaitForJobCondition(ctx, ns, j.Name, batchv1.JobComplete)
	if err == nil || !strings.Contains(err.Error(), "BackoffLimitExceeded") {
		t.Errorf("WaitForJobCondition(Complete) on a failed job: err = %v, want BackoffLimitExceeded", err)
	}
}

func TestIndexedJob(t *testing.T) {
	ctx := testContext(t)
	ns := cluster.NewNamespace(t)
	j := job(ns, "run-matrix")
	j.Spec.Suspend = ptr(false)
	j.Spec.CompletionMode = ptr(batchv1.IndexedCompletion)
	j.Spec.Completions = ptr[int32](2)
	j.Spec.Parallelism = ptr[int32](2)
	if _, err := cluster.Client().BatchV1().Jobs(ns).Create(ctx, j, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	kubelet := cluster.Kubelet()
	// Out of order, as matrix instances may end.
	for _, index := range []int{1, 0} {
		pod, err := kubelet.WaitForIndexedJobPod(ctx, ns, j.Name, index)
		if err != nil {
			t.Fatal(err)
		}
		if got := pod.Annotations[batchv1.JobCompletionIndexAnnotation]; got != fmt.Sprint(index) {
			t.Errorf("pod for index %d has completion index %q", index, got)
		}
		if _, err := kubelet.SucceedPod(ctx, pod, map[string]string{"index": fmt.Sprint(index)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := cluster.WaitForJobCondition(ctx, ns, j.Name, batchv1.JobComplete); err != nil {
		t.Fatal(err)
	}
}

func TestServerSideDryRunRejects(t *testing.T) {
	ctx := testContext(t)
	ns := cluster.NewNamespace(t)
	j := job(ns, "invalid")
	j.Spec.Template.Spec.RestartPolicy = ""
	_, err := cluster.Client().BatchV1().Jobs(ns).Create(ctx, j, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
	if !apierrors.IsInvalid(err) {
		t.Fatalf("dry-run create of a Job without restartPolicy: err = %v, want Invalid", err)
	}
	if !strings.Contains(err.Error(), "spec.template.spec.restartPolicy") {
		t.Errorf("error %q does not name spec.template.spec.restartPolicy", err)
	}
	// Nothing was created.
	if _, err := cluster.Client().BatchV1().Jobs(ns).Get(ctx, j.Name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("after a dry run: get job: err = %v, want NotFound", err)
	}
}

func TestKubectl(t *testing.T) {
	ns := cluster.NewNamespace(t)
	// The default ServiceAccount has no RBAC rights; admin has all.
	sa := "system:serviceaccount:" + ns + ":default"
	out, _, err := cluster.Kubectl("auth", "can-i", "create", "jobs", "-n", ns, "--as", sa)
	if err == nil || strings.TrimSpace(out) != "no" {
		t.Errorf("kubectl auth can-i --as %s: out %q, err %v; want no (exit 1)", sa, out, err)
	}
	out, _, err = cluster.Kubectl("auth", "can-i", "create", "jobs", "-n", ns)
	if err != nil || strings.TrimSpace(out) != "yes" {
		t.Errorf("kubectl auth can-i as admin: out %q, err %v; want yes", out, err)
	}
	manifest := `apiVersion: v1
kind: ConfigMap
metadata:
  name: dry
data:
  k: v
`
	out, _, err = cluster.KubectlInput(t.Context(), strings.NewReader(manifest), "apply", "--dry-run=server", "-n", ns, "-f", "-")
	if err != nil || !strings.Contains(out, "configmap/dry created (server dry run)") {
		t.Errorf("kubectl apply --dry-run=server: out %q, err %v", out, err)
	}
}

func TestRestartAPIServer(t *testing.T) {
	ctx := testContext(t)
	ns := cluster.NewNamespace(t)
	client := cluster.Client()
	begin := time.Now()
	if err := cluster.RestartAPIServer(ctx); errors.Is(err, k8stest.ErrExternal) {
		t.Skip("external cluster: cannot restart its API server")
	} else if err != nil {
		t.Fatal(err)
	}
	t.Logf("API server restarted in %.1fs", time.Since(begin).Seconds())

	// The same client works again, and the controllers too: a Job still
	// gets its pod.
	j := job(ns, "after-restart")
	j.Spec.Suspend = ptr(false)
	if _, err := client.BatchV1().Jobs(ns).Create(ctx, j, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create after restart: %v", err)
	}
	kubelet := cluster.Kubelet()
	pod, err := kubelet.WaitForJobPod(ctx, ns, j.Name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kubelet.FinishPod(ctx, pod, 0, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := cluster.WaitForJobCondition(ctx, ns, j.Name, batchv1.JobComplete); err != nil {
		t.Fatal(err)
	}
}

func ptr[T any](v T) *T { return &v }
