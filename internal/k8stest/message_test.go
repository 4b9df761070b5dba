package k8stest

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

func TestMessages(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{ResultsMessage(map[string]string{"b": "2", "a": `["x"]`}), `{"results":{"a":"[\"x\"]","b":"2"}}`},
		{ResultsMessage(nil), `{"results":{}}`},
		{ErrorMessage(`exit "1"`), `{"error":"exit \"1\""}`},
	} {
		if tc.got != tc.want {
			t.Errorf("got %s, want %s", tc.got, tc.want)
		}
	}
}

func podWith(containers int) *corev1.Pod {
	pod := &corev1.Pod{}
	for range containers {
		pod.Spec.Containers = append(pod.Spec.Containers, corev1.Container{})
	}
	return pod
}

func TestTruncateMessage(t *testing.T) {
	long := strings.Repeat("a", 100) + strings.Repeat("b", 4096)
	// The kubelet reads the file's tail: the last 4096 bytes.
	if got := TruncateMessage(podWith(1), long); got != strings.Repeat("b", 4096) {
		t.Errorf("1 container: kept %d bytes starting %q, want the last 4096", len(got), got[:5])
	}
	// Then the pod's 12 KiB are shared: 5 containers keep 2457 bytes
	// each, from the start of what was read.
	msg := "0123" + strings.Repeat("x", 4000)
	got := TruncateMessage(podWith(5), msg)
	if len(got) != 12*1024/5 || !strings.HasPrefix(got, "0123") {
		t.Errorf("5 containers: kept %d bytes starting %q, want 2457 from the start", len(got), got[:4])
	}
	if got := TruncateMessage(podWith(3), "short"); got != "short" {
		t.Errorf("short message changed to %q", got)
	}
	for n, want := range map[int]int{1: 4096, 3: 4096, 4: 3072, 6: 2048} {
		if got := TerminationMessageLimit(podWith(n)); got != want {
			t.Errorf("TerminationMessageLimit(%d containers) = %d, want %d", n, got, want)
		}
	}
}
