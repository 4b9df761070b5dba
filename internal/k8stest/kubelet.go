package k8stest

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/util/retry"
)

// Kubelet is a fake kubelet. The control plane has no nodes and runs no
// containers: pods stay unscheduled (nodeName empty, which the Job
// controller accepts) and Kubelet writes their status as a kubelet would
// after running them. So a test decides when and how each pod starts and
// ends, and can assert what the coordinator does in between.
//
// Pods end as under restartPolicy Never: a failing container fails the pod.
// Nothing is executed, so commands, mounts and environment are never
// checked.
type Kubelet struct {
	Client kubernetes.Interface
	// Now gives the times written into statuses; time.Now when nil.
	Now func() time.Time
}

// Termination is how one container ended.
type Termination struct {
	ExitCode int32
	// Reason defaults to "Completed" for exit code 0, "Error" otherwise,
	// as the container runtime reports them.
	Reason string
	// Message is what the container wrote to its terminationMessagePath;
	// it is truncated as the kubelet does (TruncateMessage).
	Message string
}

// WaitForJobPod waits until the Job ns/job has a pod that the kubelet has
// not started yet (phase Pending, not being deleted) and returns it; the
// oldest, when there are several. A Job that retries creates a new pod
// after a failed one, which a second call returns. On timeout the error
// describes the Job, its pods and its events.
func (k *Kubelet) WaitForJobPod(ctx context.Context, ns, job string) (*corev1.Pod, error) {
	sel := labels.Set{batchv1.JobNameLabel: job}.String()
	return k.waitForPod(ctx, ns, job, sel, "job "+ns+"/"+job)
}

// WaitForIndexedJobPod is WaitForJobPod for the pod of one completion index
// of an Indexed Job (a matrix task, say).
func (k *Kubelet) WaitForIndexedJobPod(ctx context.Context, ns, job string, index int) (*corev1.Pod, error) {
	sel := labels.Set{
		batchv1.JobNameLabel:                 job,
		batchv1.JobCompletionIndexAnnotation: strconv.Itoa(index),
	}.String()
	return k.waitForPod(ctx, ns, job, sel, fmt.Sprintf("job %s/%s index %d", ns, job, index))
}

// waitForPod polls for a pending pod matching sel. Errors from the API
// server are retried (it may be restarting) and reported on timeout.
func (k *Kubelet) waitForPod(ctx context.Context, ns, job, sel, what string) (*corev1.Pod, error) {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	var lastErr error
	for {
		list, err := k.Client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: sel})
		if err == nil {
			if pod := oldestPending(list.Items); pod != nil {
				return pod, nil
			}
		} else {
			lastErr = err
		}
		select {
		case <-ctx.Done():
			msg := fmt.Sprintf("k8stest: kubelet: no pending pod for %s: %v", what, context.Cause(ctx))
			if lastErr != nil {
				msg += fmt.Sprintf(" (last API error: %v)", lastErr)
			}
			return nil, fmt.Errorf("%s\n%s", msg, k.describeJob(ns, job, sel))
		case <-tick.C:
		}
	}
}

// oldestPending returns the oldest pod (then by name) that is Pending and
// not being deleted, or nil.
func oldestPending(pods []corev1.Pod) *corev1.Pod {
	var best *corev1.Pod
	for i := range pods {
		p := &pods[i]
		if p.DeletionTimestamp != nil || (p.Status.Phase != corev1.PodPending && p.Status.Phase != "") {
			continue
		}
		if best == nil || p.CreationTimestamp.Before(&best.CreationTimestamp) ||
			(p.CreationTimestamp.Equal(&best.CreationTimestamp) && p.Name < best.Name) {
			best = p
		}
	}
	if best == nil {
		return nil
	}
	return best.DeepCopy()
}

// describeJob summarises a Job, its pods and its events for an error
// message, with a fresh context: the caller's has expired.
func (k *Kubelet) describeJob(ns, job, sel string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var b strings.Builder
	j, err := k.Client.BatchV1().Jobs(ns).Get(ctx, job, getOpts)
	if err != nil {
		fmt.Fprintf(&b, "\tjob: %v\n", err)
	} else {
		fmt.Fprintf(&b, "\tjob: suspend=%v active=%d succeeded=%d failed=%d\n",
			j.Spec.Suspend != nil && *j.Spec.Suspend, j.Status.Active, j.Status.Succeeded, j.Status.Failed)
		for _, c := range j.Status.Conditions {
			fmt.Fprintf(&b, "\tjob condition %s=%s %s: %s\n", c.Type, c.Status, c.Reason, c.Message)
		}
	}
	if pods, err := k.Client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: sel}); err == nil {
		for _, p := range pods.Items {
			fmt.Fprintf(&b, "\tpod %s: phase=%s deleting=%v\n", p.Name, p.Status.Phase, p.DeletionTimestamp != nil)
		}
	}
	events, err := k.Client.CoreV1().Events(ns).List(ctx, metav1.ListOptions{FieldSelector: "involvedObject.name=" + job})
	if err == nil {
		for _, e := range events.Items {
			fmt.Fprintf(&b, "\tevent %s %s: %s\n", e.Type, e.Reason, e.Message)
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// StartPod marks pod as running: its init containers completed, its
// containers running and ready.
func (k *Kubelet) StartPod(ctx context.Context, pod *corev1.Pod) (*corev1.Pod, error) {
	return k.updateStatus(ctx, pod, func(p *corev1.Pod) error {
		st, err := runningStatus(p, k.now())
		if err == nil {
			p.Status = st
		}
		return err
	})
}

// FinishPod ends pod: the init containers and every container but the last
// exit 0, and the last container exits with exitCode and writes message as
// its termination message. The pod Succeeds when exitCode is 0 and Fails
// otherwise.
func (k *Kubelet) FinishPod(ctx context.Context, pod *corev1.Pod, exitCode int, message string) (*corev1.Pod, error) {
	return k.updateStatus(ctx, pod, func(p *corev1.Pod) error {
		if len(p.Spec.Containers) == 0 {
			return fmt.Errorf("pod has no containers")
		}
		last := p.Spec.Containers[len(p.Spec.Containers)-1].Name
		st, err := finishedStatus(p, map[string]Termination{
			last: {ExitCode: int32(exitCode), Message: message},
		}, k.now())
		if err == nil {
			p.Status = st
		}
		return err
	})
}

// SucceedPod ends pod with exit code 0 and the termination message that
// `pipec step` writes for results (ResultsMessage).
func (k *Kubelet) SucceedPod(ctx context.Context, pod *corev1.Pod, results map[string]string) (*corev1.Pod, error) {
	return k.FinishPod(ctx, pod, 0, ResultsMessage(results))
}

// FailPod ends pod with a non-zero exitCode and the termination message of a
// failed step (ErrorMessage), or none when text is empty.
func (k *Kubelet) FailPod(ctx context.Context, pod *corev1.Pod, exitCode int, text string) (*corev1.Pod, error) {
	if exitCode == 0 {
		return nil, fmt.Errorf("k8stest: kubelet: FailPod %s/%s with exit code 0", pod.Namespace, pod.Name)
	}
	msg := ""
	if text != "" {
		msg = ErrorMessage(text)
	}
	return k.FinishPod(ctx, pod, exitCode, msg)
}

// FinishContainers ends pod with one Termination per container named in
// ends (init containers included); the others exit 0. A failing init
// container fails the pod before its later init containers and its
// containers run, as the kubelet does: they are left waiting.
func (k *Kubelet) FinishContainers(ctx context.Context, pod *corev1.Pod, ends map[string]Termination) (*corev1.Pod, error) {
	return k.updateStatus(ctx, pod, func(p *corev1.Pod) error {
		st, err := finishedStatus(p, ends, k.now())
		if err == nil {
			p.Status = st
		}
		return err
	})
}

func (k *Kubelet) now() metav1.Time {
	now := time.Now
	if k.Now != nil {
		now = k.Now
	}
	// The API keeps seconds; rounding here makes what a test wrote
	// equal to what it reads back.
	return metav1.NewTime(now().Truncate(time.Second))
}

// updateStatus reads pod afresh, lets mutate change it and writes its
// status, again if someone else (the Job controller) wrote in between.
func (k *Kubelet) updateStatus(ctx context.Context, pod *corev1.Pod, mutate func(*corev1.Pod) error) (*corev1.Pod, error) {
	pods := k.Client.CoreV1().Pods(pod.Namespace)
	var out *corev1.Pod
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		cur, err := pods.Get(ctx, pod.Name, getOpts)
		if err != nil {
			return err
		}
		if err := mutate(cur); err != nil {
			return err
		}
		out, err = pods.UpdateStatus(ctx, cur, metav1.UpdateOptions{})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("k8stest: kubelet: pod %s/%s: %w", pod.Namespace, pod.Name, err)
	}
	return out, nil
}

// runningStatus is pod's status once the kubelet has started it.
func runningStatus(pod *corev1.Pod, now metav1.Time) (corev1.PodStatus, error) {
	if terminal(pod) {
		return corev1.PodStatus{}, fmt.Errorf("pod is already %s", pod.Status.Phase)
	}
	st := *pod.Status.DeepCopy()
	st.Phase = corev1.PodRunning
	if st.StartTime == nil {
		st.StartTime = &now
	}
	st.InitContainerStatuses = nil
	for _, c := range pod.Spec.InitContainers {
		cs := containerStatus(pod, c)
		if isSidecar(c) {
			cs.State.Running = &corev1.ContainerStateRunning{StartedAt: now}
			cs.Ready, cs.Started = true, ptr(true)
		} else {
			cs.State.Terminated = terminated(pod, Termination{}, now, now)
			cs.Ready, cs.Started = true, ptr(false)
		}
		st.InitContainerStatuses = append(st.InitContainerStatuses, cs)
	}
	st.ContainerStatuses = nil
	for _, c := range pod.Spec.Containers {
		cs := containerStatus(pod, c)
		cs.State.Running = &corev1.ContainerStateRunning{StartedAt: now}
		cs.Ready, cs.Started = true, ptr(true)
		st.ContainerStatuses = append(st.ContainerStatuses, cs)
	}
	sortStatuses(st.ContainerStatuses)
	for _, t := range []corev1.PodConditionType{
		corev1.PodReadyToStartContainers, corev1.PodInitialized, corev1.ContainersReady, corev1.PodReady,
	} {
		setCondition(&st, t, corev1.ConditionTrue, "", now)
	}
	return st, nil
}

// finishedStatus is pod's status once its containers have ended as ends
// says (exit 0 for those it does not name).
func finishedStatus(pod *corev1.Pod, ends map[string]Termination, now metav1.Time) (corev1.PodStatus, error) {
	if terminal(pod) {
		return corev1.PodStatus{}, fmt.Errorf("pod is already %s", pod.Status.Phase)
	}
	var names []string
	for _, c := range pod.Spec.InitContainers {
		names = append(names, c.Name)
	}
	for _, c := range pod.Spec.Containers {
		names = append(names, c.Name)
	}
	for name := range ends {
		if !slices.Contains(names, name) {
			return corev1.PodStatus{}, fmt.Errorf("no container %q in the pod (it has %s)", name, strings.Join(names, ", "))
		}
	}

	st := *pod.Status.DeepCopy()
	if st.StartTime == nil {
		st.StartTime = &now
	}
	started := startTimes(&pod.Status, *st.StartTime)
	failed, initFailed := false, false
	st.InitContainerStatuses = nil
	for _, c := range pod.Spec.InitContainers {
		cs := containerStatus(pod, c)
		if initFailed {
			cs.State.Waiting = &corev1.ContainerStateWaiting{Reason: "PodInitializing"}
		} else {
			end := ends[c.Name]
			cs.State.Terminated = terminated(pod, end, started(c.Name), now)
			cs.Started = ptr(false)
			if end.ExitCode != 0 && !isSidecar(c) {
				initFailed, failed = true, true
			}
		}
		st.InitContainerStatuses = append(st.InitContainerStatuses, cs)
	}
	st.ContainerStatuses = nil
	for _, c := range pod.Spec.Containers {
		cs := containerStatus(pod, c)
		if initFailed {
			cs.State.Waiting = &corev1.ContainerStateWaiting{Reason: "PodInitializing"}
		} else {
			end := ends[c.Name]
			cs.State.Terminated = terminated(pod, end, started(c.Name), now)
			cs.Started = ptr(false)
			failed = failed || end.ExitCode != 0
		}
		st.ContainerStatuses = append(st.ContainerStatuses, cs)
	}
	sortStatuses(st.ContainerStatuses)

	st.Phase = corev1.PodSucceeded
	if failed {
		st.Phase = corev1.PodFailed
	}
	if initFailed {
		setCondition(&st, corev1.PodInitialized, corev1.ConditionFalse, "ContainersNotInitialized", now)
	} else {
		setCondition(&st, corev1.PodInitialized, corev1.ConditionTrue, "PodCompleted", now)
	}
	setCondition(&st, corev1.PodReadyToStartContainers, corev1.ConditionFalse, "", now)
	setCondition(&st, corev1.ContainersReady, corev1.ConditionFalse, "PodCompleted", now)
	setCondition(&st, corev1.PodReady, corev1.ConditionFalse, "PodCompleted", now)
	return st, nil
}

// startTimes returns when each container started according to status (a
// running state written by StartPod), defaulting to def.
func startTimes(status *corev1.PodStatus, def metav1.Time) func(string) metav1.Time {
	at := map[string]metav1.Time{}
	for _, cs := range slices.Concat(status.InitContainerStatuses, status.ContainerStatuses) {
		switch {
		case cs.State.Running != nil:
			at[cs.Name] = cs.State.Running.StartedAt
		case cs.State.Terminated != nil:
			at[cs.Name] = cs.State.Terminated.StartedAt
		}
	}
	return func(name string) metav1.Time {
		if t, ok := at[name]; ok {
			return t
		}
		return def
	}
}

func terminated(pod *corev1.Pod, end Termination, started, finished metav1.Time) *corev1.ContainerStateTerminated {
	reason := end.Reason
	if reason == "" {
		reason = "Completed"
		if end.ExitCode != 0 {
			reason = "Error"
		}
	}
	return &corev1.ContainerStateTerminated{
		ExitCode:   end.ExitCode,
		Reason:     reason,
		Message:    TruncateMessage(pod, end.Message),
		StartedAt:  started,
		FinishedAt: finished,
	}
}

func containerStatus(pod *corev1.Pod, c corev1.Container) corev1.ContainerStatus {
	return corev1.ContainerStatus{
		Name:        c.Name,
		Image:       c.Image,
		ImageID:     c.Image,
		ContainerID: "k8stest://" + pod.Name + "/" + c.Name,
	}
}

// sortStatuses orders container statuses by name, as the kubelet does: a
// consumer must find a container's status by name, not by position.
func sortStatuses(s []corev1.ContainerStatus) {
	sort.Slice(s, func(i, j int) bool { return s[i].Name < s[j].Name })
}

func setCondition(st *corev1.PodStatus, t corev1.PodConditionType, status corev1.ConditionStatus, reason string, now metav1.Time) {
	for i := range st.Conditions {
		c := &st.Conditions[i]
		if c.Type == t {
			if c.Status != status {
				c.LastTransitionTime = now
			}
			c.Status, c.Reason = status, reason
			return
		}
	}
	st.Conditions = append(st.Conditions, corev1.PodCondition{Type: t, Status: status, Reason: reason, LastTransitionTime: now})
}

func terminal(pod *corev1.Pod) bool {
	return pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed
}

// isSidecar reports whether an init container is a native sidecar, which
// keeps running beside the containers.
func isSidecar(c corev1.Container) bool {
	return c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways
}

func ptr[T any](v T) *T { return &v }
