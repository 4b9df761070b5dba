package k8stest

import (
	"context"
	"strings"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
)

var (
	t0 = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	t1 = t0.Add(90 * time.Second)
)

// jobPod returns a pod as the Job controller makes it for job.
func jobPod(name, job string, created time.Time, phase corev1.PodPhase) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Name:              name,
			Namespace:         "ns",
			CreationTimestamp: metav1.NewTime(created),
			Labels:            map[string]string{batchv1.JobNameLabel: job},
		},
		Spec: corev1.PodSpec{
			RestartPolicy:  corev1.RestartPolicyNever,
			InitContainers: []corev1.Container{{Name: "pipec-init", Image: "pipec"}},
			// Not in name order: statuses come back sorted.
			Containers: []corev1.Container{{Name: "step-z", Image: "a"}, {Name: "step-a", Image: "b"}},
		},
		Status: corev1.PodStatus{Phase: phase},
	}
}

func TestWaitForJobPod(t *testing.T) {
	deleting := jobPod("deleting", "build", t0.Add(-time.Hour), corev1.PodPending)
	deleting.DeletionTimestamp = &metav1.Time{Time: t0}
	deleting.Finalizers = []string{"batch.kubernetes.io/job-tracking"}
	client := fake.NewClientset(
		jobPod("failed", "build", t0.Add(-2*time.Hour), corev1.PodFailed),
		jobPod("running", "build", t0.Add(-time.Hour), corev1.PodRunning),
		deleting,
		jobPod("newer", "build", t0.Add(time.Minute), corev1.PodPending),
		jobPod("older", "build", t0, corev1.PodPending),
		jobPod("other-job", "test", t0.Add(-time.Hour), corev1.PodPending),
	)
	k := &Kubelet{Client: client}
	pod, err := k.WaitForJobPod(context.Background(), "ns", "build")
	if err != nil {
		t.Fatal(err)
	}
	if pod.Name != "older" {
		t.Errorf("WaitForJobPod = %s, want the oldest pending pod, older", pod.Name)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = k.WaitForJobPod(ctx, "ns", "absent")
	if err == nil || !strings.Contains(err.Error(), "no pending pod for job ns/absent") || !strings.Contains(err.Error(), "not found") {
		t.Errorf("WaitForJobPod of a missing job: err = %v, want no pending pod and the job not found", err)
	}
}

func TestWaitForIndexedJobPod(t *testing.T) {
	var pods []corev1.Pod
	for i, idx := range []string{"0", "1", "2"} {
		p := jobPod("matrix-"+idx, "matrix", t0.Add(time.Duration(i)*time.Second), corev1.PodPending)
		p.Labels[batchv1.JobCompletionIndexAnnotation] = idx
		pods = append(pods, *p)
	}
	k := &Kubelet{Client: fake.NewClientset(&pods[0], &pods[1], &pods[2])}
	pod, err := k.WaitForIndexedJobPod(context.Background(), "ns", "matrix", 1)
	if err != nil {
		t.Fatal(err)
	}
	if pod.Name != "matrix-1" {
		t.Errorf("WaitForIndexedJobPod(1) = %s, want matrix-1", pod.Name)
	}
}

func TestStartAndFinishPod(t *testing.T) {
	pod := jobPod("p", "build", t0, corev1.PodPending)
	now := t0
	k := &Kubelet{Client: fake.NewClientset(pod), Now: func() time.Time { return now }}
	ctx := context.Background()

	running, err := k.StartPod(ctx, pod)
	if err != nil {
		t.Fatal(err)
	}
	if running.Status.Phase != corev1.PodRunning {
		t.Errorf("phase after StartPod = %s", running.Status.Phase)
	}
	if names := statusNames(running.Status.ContainerStatuses); names != "step-a,step-z" {
		t.Errorf("container statuses %s, want sorted by name", names)
	}
	for _, cs := range running.Status.ContainerStatuses {
		if cs.State.Running == nil || !cs.Ready {
			t.Errorf("%s after StartPod: %+v, want running and ready", cs.Name, cs.State)
		}
	}
	if cs := running.Status.InitContainerStatuses; len(cs) != 1 || cs[0].State.Terminated == nil || cs[0].State.Terminated.ExitCode != 0 {
		t.Errorf("init container after StartPod: %+v, want terminated with 0", cs)
	}

	now = t1
	msg := strings.Repeat("x", 5000)
	done, err := k.FinishPod(ctx, running, 3, msg)
	if err != nil {
		t.Fatal(err)
	}
	if done.Status.Phase != corev1.PodFailed {
		t.Errorf("phase after FinishPod(3) = %s, want Failed", done.Status.Phase)
	}
	byName := map[string]corev1.ContainerStatus{}
	for _, cs := range done.Status.ContainerStatuses {
		byName[cs.Name] = cs
	}
	last := byName["step-a"].State.Terminated // the last container in the spec
	first := byName["step-z"].State.Terminated
	if last == nil || first == nil {
		t.Fatalf("containers not terminated: %+v", done.Status.ContainerStatuses)
	}
	if last.ExitCode != 3 || last.Reason != "Error" || len(last.Message) != TerminationMessageLimit(pod) {
		t.Errorf("last container: exit %d reason %s message of %d bytes, want 3, Error, %d bytes",
			last.ExitCode, last.Reason, len(last.Message), TerminationMessageLimit(pod))
	}
	if first.ExitCode != 0 || first.Reason != "Completed" || first.Message != "" {
		t.Errorf("first container: %+v, want exit 0 Completed without message", first)
	}
	if !last.StartedAt.Time.Equal(t0) || !last.FinishedAt.Time.Equal(t1) {
		t.Errorf("last container ran %s..%s, want %s..%s", last.StartedAt, last.FinishedAt, t0, t1)
	}

	if _, err := k.FinishPod(ctx, done, 0, ""); err == nil || !strings.Contains(err.Error(), "already Failed") {
		t.Errorf("FinishPod of a finished pod: err = %v, want already Failed", err)
	}
}

func TestSucceedPodWithoutStart(t *testing.T) {
	pod := jobPod("p", "build", t0, corev1.PodPending)
	k := &Kubelet{Client: fake.NewClientset(pod), Now: func() time.Time { return t1 }}
	done, err := k.SucceedPod(context.Background(), pod, map[string]string{"digest": "sha256:1"})
	if err != nil {
		t.Fatal(err)
	}
	if done.Status.Phase != corev1.PodSucceeded {
		t.Errorf("phase = %s, want Succeeded", done.Status.Phase)
	}
	for _, cs := range done.Status.ContainerStatuses {
		want := ""
		if cs.Name == "step-a" {
			want = `{"results":{"digest":"sha256:1"}}`
		}
		if cs.State.Terminated == nil || cs.State.Terminated.Message != want {
			t.Errorf("%s: %+v, want terminated with message %q", cs.Name, cs.State, want)
		}
	}
}

func TestFinishContainersInitFailure(t *testing.T) {
	pod := jobPod("p", "build", t0, corev1.PodPending)
	k := &Kubelet{Client: fake.NewClientset(pod), Now: func() time.Time { return t1 }}
	ctx := context.Background()
	if _, err := k.FinishContainers(ctx, pod, map[string]Termination{"step-b": {}}); err == nil || !strings.Contains(err.Error(), `no container "step-b"`) {
		t.Errorf("FinishContainers naming an unknown container: err = %v", err)
	}
	done, err := k.FinishContainers(ctx, pod, map[string]Termination{"pipec-init": {ExitCode: 1, Message: "no space left"}})
	if err != nil {
		t.Fatal(err)
	}
	if done.Status.Phase != corev1.PodFailed {
		t.Errorf("phase = %s, want Failed", done.Status.Phase)
	}
	if term := done.Status.InitContainerStatuses[0].State.Terminated; term == nil || term.ExitCode != 1 || term.Message != "no space left" {
		t.Errorf("init container: %+v", done.Status.InitContainerStatuses[0].State)
	}
	for _, cs := range done.Status.ContainerStatuses {
		if cs.State.Waiting == nil || cs.State.Waiting.Reason != "PodInitializing" {
			t.Errorf("%s after a failed init container: %+v, want waiting PodInitializing", cs.Name, cs.State)
		}
	}
}

func statusNames(s []corev1.ContainerStatus) string {
	var names []string
	for _, cs := range s {
		names = append(names, cs.Name)
	}
	return strings.Join(names, ",")
}
