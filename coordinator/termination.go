package coordinator

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// termination is the message `pipec step` writes when a pod's last step
// ends (docs/design.md, "Termination message").
type termination struct {
	Results map[string]string `json:"results"`
	Error   string            `json:"error"`
}

// parseTermination reads a termination message. An empty message is no
// message; one that is not pipec's JSON (the kubelet truncated it, or the
// container is not a pipec step) is reported as an error, whose text names
// the problem for the task's record.
func parseTermination(msg string) (termination, error) {
	var t termination
	if strings.TrimSpace(msg) == "" {
		return t, nil
	}
	if err := json.Unmarshal([]byte(msg), &t); err != nil {
		return termination{}, fmt.Errorf("termination message is not pipec's JSON (%d bytes): %v", len(msg), err)
	}
	return t, nil
}

// podOutcome is what one finished pod says: the results its last container
// reported and, for a failure, why.
type podOutcome struct {
	results map[string]string
	reason  string // ReasonTimedOut, ReasonPodEvicted or ReasonFailed, for a failed pod
	message string
	// finished is when the pod's last container ended; zero when unknown.
	finished time.Time
}

// outcomeOf reads a terminal pod. The results come from the last
// container, the step wrapper's `--results` step; a failure's message from
// the first container that failed (an init container when a step before
// the last failed), preferring what the wrapper wrote.
func outcomeOf(pod *corev1.Pod) podOutcome {
	var out podOutcome
	last := lastContainer(pod)
	statuses := append(append([]corev1.ContainerStatus(nil), pod.Status.InitContainerStatuses...), pod.Status.ContainerStatuses...)
	var failed *corev1.ContainerStatus
	for i := range statuses {
		cs := &statuses[i]
		term := cs.State.Terminated
		if term == nil {
			continue
		}
		if f := term.FinishedAt.Time; f.After(out.finished) {
			out.finished = f
		}
		if cs.Name == last {
			if t, err := parseTermination(term.Message); err == nil {
				out.results = t.Results
			} else if pod.Status.Phase == corev1.PodSucceeded {
				out.message = err.Error()
			}
		}
		if term.ExitCode != 0 && failed == nil {
			failed = cs
		}
	}
	if pod.Status.Phase != corev1.PodFailed {
		return out
	}
	out.reason = ReasonFailed
	switch pod.Status.Reason {
	case "DeadlineExceeded":
		out.reason = ReasonTimedOut
	case "Evicted":
		out.reason = ReasonPodEvicted
	}
	switch {
	case failed != nil:
		term := failed.State.Terminated
		t, err := parseTermination(term.Message)
		if err == nil && t.Error != "" {
			out.message = fmt.Sprintf("%s: %s", failed.Name, t.Error)
		} else {
			out.message = fmt.Sprintf("%s exited with code %d (%s)", failed.Name, term.ExitCode, term.Reason)
		}
	case pod.Status.Message != "":
		out.message = pod.Status.Message
	default:
		out.message = "pod " + pod.Name + " failed"
	}
	return out
}

// lastContainer is the name of the pod's last container, whose termination
// message carries the task's results.
func lastContainer(pod *corev1.Pod) string {
	if n := len(pod.Spec.Containers); n > 0 {
		return pod.Spec.Containers[n-1].Name
	}
	return ""
}
