package coordinator

import (
	"strconv"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pipec-dev/pipec/plan"
)

var t0 = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func testJob(suspend bool, ann map[string]string) *batchv1.Job {
	return &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: "r-a", Annotations: ann, CreationTimestamp: metav1.NewTime(t0)},
		Spec:       batchv1.JobSpec{Suspend: &suspend},
	}
}

// testPod is a pod of index i, attempt n (its index failure count), that
// ended in phase with the last container's termination message msg.
func testPod(i, n int, phase corev1.PodPhase, msg string) *corev1.Pod {
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Name: "r-a-" + strconv.Itoa(i) + "-" + strconv.Itoa(n),
			Annotations: map[string]string{
				annCompletionIndex: strconv.Itoa(i),
				annIndexFailures:   strconv.Itoa(n),
			},
			CreationTimestamp: metav1.NewTime(t0.Add(time.Duration(n) * time.Second)),
		},
		Spec:   corev1.PodSpec{Containers: []corev1.Container{{Name: "step-last"}}},
		Status: corev1.PodStatus{Phase: phase},
	}
	if phase == corev1.PodSucceeded || phase == corev1.PodFailed {
		code := int32(0)
		if phase == corev1.PodFailed {
			code = 3
		}
		p.Status.ContainerStatuses = []corev1.ContainerStatus{{
			Name: "step-last",
			State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
				ExitCode: code, Message: msg, Reason: "Error",
				FinishedAt: metav1.NewTime(t0.Add(time.Duration(10+n) * time.Second)),
			}},
		}}
	}
	return p
}

func TestObserveTask(t *testing.T) {
	plain := &plan.Task{Name: "a", Job: "r-a"}
	retry := &plan.Task{Name: "a", Job: "r-a", Retries: 1}
	cont := &plan.Task{Name: "a", Job: "r-a", OnError: "continue"}
	running := map[string]string{AnnotationState: "Running", AnnotationStarted: FormatTime(t0)}
	for _, tc := range []struct {
		name    string
		task    *plan.Task
		job     *batchv1.Job
		pods    []*corev1.Pod
		phase   Phase
		reason  string
		results map[string]string
	}{
		{name: "no job", task: plain, phase: Pending},
		{name: "suspended", task: plain, job: testJob(true, nil), phase: Pending},
		{name: "started, no pod", task: plain, job: testJob(false, running), phase: Running},
		{name: "pod running", task: plain, job: testJob(false, running),
			pods: []*corev1.Pod{testPod(0, 0, corev1.PodRunning, "")}, phase: Running},
		{name: "succeeded", task: plain, job: testJob(false, running),
			pods:  []*corev1.Pod{testPod(0, 0, corev1.PodSucceeded, `{"results":{"id":"v1"}}`)},
			phase: Succeeded, reason: ReasonSucceeded, results: map[string]string{"id": "v1"}},
		{name: "failed", task: plain, job: testJob(false, running),
			pods:  []*corev1.Pod{testPod(0, 0, corev1.PodFailed, `{"results":{"id":"partial"},"error":"boom"}`)},
			phase: Failed, reason: ReasonFailed, results: map[string]string{"id": "partial"}},
		{name: "failed, retry left", task: retry, job: testJob(false, running),
			pods: []*corev1.Pod{testPod(0, 0, corev1.PodFailed, "")}, phase: Running},
		{name: "failed, retry running", task: retry, job: testJob(false, running),
			pods: []*corev1.Pod{testPod(0, 0, corev1.PodFailed, ""), testPod(0, 1, corev1.PodPending, "")}, phase: Running},
		{name: "failed then succeeded", task: retry, job: testJob(false, running),
			pods:  []*corev1.Pod{testPod(0, 1, corev1.PodSucceeded, `{"results":{"id":"v2"}}`), testPod(0, 0, corev1.PodFailed, "")},
			phase: Succeeded, reason: ReasonSucceeded, results: map[string]string{"id": "v2"}},
		{name: "retries exhausted", task: retry, job: testJob(false, running),
			pods:  []*corev1.Pod{testPod(0, 1, corev1.PodFailed, `{"error":"second"}`), testPod(0, 0, corev1.PodFailed, "")},
			phase: Failed, reason: ReasonFailed},
		{name: "failure ignored", task: cont, job: testJob(false, running),
			pods: []*corev1.Pod{testPod(0, 0, corev1.PodFailed, "")}, phase: Failed, reason: ReasonFailureIgnored},
		{name: "recorded end wins", task: plain,
			job:   testJob(true, map[string]string{AnnotationState: "Skipped", AnnotationReason: SkipWhen}),
			phase: Skipped, reason: SkipWhen},
		{name: "unsuspended by someone", task: plain, job: testJob(false, nil), phase: Running},
	} {
		st := observeTask(tc.task, tc.job, tc.pods)
		if st.phase != tc.phase || st.reason != tc.reason {
			t.Errorf("%s: phase %s (%s), want %s (%s)", tc.name, st.phase, st.reason, tc.phase, tc.reason)
		}
		if len(tc.results) > 0 || len(st.results) > 0 {
			if len(st.results) != len(tc.results) {
				t.Errorf("%s: results %v, want %v", tc.name, st.results, tc.results)
			}
			for k, v := range tc.results {
				if st.results[k] != v {
					t.Errorf("%s: result %s = %q, want %q", tc.name, k, st.results[k], v)
				}
			}
		}
	}
}

func TestObserveTimeout(t *testing.T) {
	pod := testPod(0, 0, corev1.PodFailed, "")
	pod.Status.Reason = "DeadlineExceeded"
	running := map[string]string{AnnotationState: "Running", AnnotationStarted: FormatTime(t0)}
	st := observeTask(&plan.Task{Name: "a", Job: "r-a"}, testJob(false, running), []*corev1.Pod{pod})
	if st.phase != Failed || st.reason != ReasonTimedOut {
		t.Errorf("kubelet deadline: %s (%s), want Failed (TaskRunTimeout)", st.phase, st.reason)
	}

	// A running attempt gets a deadline from its start; before any pod, from
	// the task's.
	timeout := &plan.Task{Name: "a", Job: "r-a", Timeout: &plan.Duration{Duration: time.Minute}}
	st = observeTask(timeout, testJob(false, running), nil)
	if want := t0.Add(time.Minute + attemptGrace); !st.deadline.Equal(want) {
		t.Errorf("deadline before the pod: %v, want %v", st.deadline, want)
	}
	active := testPod(0, 0, corev1.PodRunning, "")
	started := metav1.NewTime(t0.Add(30 * time.Second))
	active.Status.StartTime = &started
	st = observeTask(timeout, testJob(false, running), []*corev1.Pod{active})
	if want := started.Add(time.Minute + attemptGrace); !st.deadline.Equal(want) {
		t.Errorf("deadline of a started pod: %v, want %v", st.deadline, want)
	}
}

func TestObserveMatrix(t *testing.T) {
	task := &plan.Task{Name: "a", Job: "r-a", Matrix: 3, Results: []plan.ResultSpec{{Name: "out"}, {Name: "never"}}}
	running := map[string]string{AnnotationState: "Running", AnnotationStarted: FormatTime(t0)}
	pods := []*corev1.Pod{
		testPod(2, 0, corev1.PodSucceeded, `{"results":{"out":"c"}}`),
		testPod(0, 0, corev1.PodSucceeded, `{"results":{"out":"a"}}`),
	}
	st := observeTask(task, testJob(false, running), pods)
	if st.phase != Running {
		t.Fatalf("two of three combinations done: %s, want Running", st.phase)
	}
	pods = append(pods, testPod(1, 0, corev1.PodSucceeded, `{"results":{"out":"b"}}`))
	st = observeTask(task, testJob(false, running), pods)
	if st.phase != Succeeded {
		t.Fatalf("all combinations done: %s, want Succeeded", st.phase)
	}
	if got, want := st.results["out"], `["a","b","c"]`; got != want {
		t.Errorf("aggregated result = %s, want %s", got, want)
	}
	if _, ok := st.results["never"]; ok {
		t.Errorf("a result no combination reported is present: %v", st.results)
	}

	// One failed combination fails the task once all are done.
	pods[2] = testPod(1, 0, corev1.PodFailed, `{"error":"boom"}`)
	st = observeTask(task, testJob(false, running), pods)
	if st.phase != Failed || st.message != "combination 1: step-last: boom" {
		t.Errorf("a failed combination: %s %q", st.phase, st.message)
	}
}

func TestObserveJobStatusFallback(t *testing.T) {
	running := map[string]string{AnnotationState: "Running", AnnotationStarted: FormatTime(t0)}
	job := testJob(false, running)
	job.Status.CompletedIndexes = "0-1"
	st := observeTask(&plan.Task{Name: "a", Job: "r-a", Matrix: 2}, job, nil)
	if st.phase != Succeeded {
		t.Errorf("completed indexes without pods: %s, want Succeeded", st.phase)
	}
	failed := "1"
	job.Status.CompletedIndexes, job.Status.FailedIndexes = "0", &failed
	st = observeTask(&plan.Task{Name: "a", Job: "r-a", Matrix: 2}, job, nil)
	if st.phase != Failed {
		t.Errorf("a failed index without pods: %s, want Failed", st.phase)
	}
}

func TestParseIndexes(t *testing.T) {
	got := parseIndexes("0,2-4,x,7")
	for _, i := range []int{0, 2, 3, 4, 7} {
		if !got[i] {
			t.Errorf("index %d missing from %v", i, got)
		}
	}
	if len(got) != 5 {
		t.Errorf("parseIndexes = %v", got)
	}
}
