package k8stest

import (
	"encoding/json"

	corev1 "k8s.io/api/core/v1"
)

// The kubelet's limits on termination messages (k8s.io/kubernetes
// pkg/kubelet/container: MaxContainerTerminationMessageLength and
// MaxPodTerminationMessageLogLength).
const (
	// maxContainerMessage is how much of /dev/termination-log the
	// kubelet reads: the file's last 4096 bytes.
	maxContainerMessage = 4 * 1024
	// maxPodMessage is shared by all the pod's containers (init and
	// ephemeral ones included): each status keeps the first
	// maxPodMessage/containers bytes of its message.
	maxPodMessage = 12 * 1024
)

// ResultsMessage returns the termination message that `pipec step` writes
// for a pod whose last step produced results (docs/design.md, "Termination
// message"): {"results":{"name":"value",…}}.
func ResultsMessage(results map[string]string) string {
	if results == nil {
		results = map[string]string{}
	}
	return marshal(struct {
		Results map[string]string `json:"results"`
	}{results})
}

// ErrorMessage returns the termination message of a failed step that has
// something to say: {"error":"text"}.
func ErrorMessage(text string) string {
	return marshal(struct {
		Error string `json:"error"`
	}{text})
}

func marshal(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		// Maps of strings and strings always marshal.
		panic(err)
	}
	return string(data)
}

// TerminationMessageLimit returns how many bytes of a container's
// termination message the kubelet keeps for pod: 4096, or less when the pod
// has more than three containers, because the pod's 12 KiB are shared among
// all of them.
func TerminationMessageLimit(pod *corev1.Pod) int {
	return min(maxContainerMessage, perStatusLimit(pod))
}

// TruncateMessage returns message as the kubelet reports it for a
// container of pod: it reads the last 4096 bytes of the file, then keeps the
// first 12288/containers bytes of that. The cut is by bytes and may split a
// UTF-8 sequence, as the kubelet's does.
func TruncateMessage(pod *corev1.Pod, message string) string {
	if len(message) > maxContainerMessage {
		message = message[len(message)-maxContainerMessage:]
	}
	if limit := perStatusLimit(pod); len(message) > limit {
		message = message[:limit]
	}
	return message
}

// perStatusLimit is the kubelet's per-status share of maxPodMessage.
func perStatusLimit(pod *corev1.Pod) int {
	n := len(pod.Spec.InitContainers) + len(pod.Spec.Containers) + len(pod.Spec.EphemeralContainers)
	if n == 0 {
		return maxPodMessage
	}
	return maxPodMessage / n
}
