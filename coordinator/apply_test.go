package coordinator

import (
	"encoding/json"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TestJobPatch checks the patches: those that act on a Job's suspension
// carry the resourceVersion the decision saw; recording what pods did does
// not.
func TestJobPatch(t *testing.T) {
	for _, tc := range []struct {
		kind    writeKind
		rv      bool
		suspend any
	}{
		{writeStart, true, false},
		{writeStop, true, true},
		{writeSkip, true, nil},
		{writeRecord, false, nil},
	} {
		b, err := jobPatch(jobWrite{task: "a", kind: tc.kind, rec: Record{State: "Running", Started: t0}}, "42")
		if err != nil {
			t.Fatal(err)
		}
		var p struct {
			Metadata struct {
				ResourceVersion string            `json:"resourceVersion"`
				Annotations     map[string]string `json:"annotations"`
			}
			Spec map[string]any
		}
		if err := json.Unmarshal(b, &p); err != nil {
			t.Fatal(err)
		}
		if (p.Metadata.ResourceVersion == "42") != tc.rv {
			t.Errorf("%s: resourceVersion %q in %s", tc.kind, p.Metadata.ResourceVersion, b)
		}
		if got := p.Spec["suspend"]; got != tc.suspend {
			t.Errorf("%s: spec.suspend %v in %s", tc.kind, got, b)
		}
		if p.Metadata.Annotations[AnnotationState] != "Running" || p.Metadata.Annotations[AnnotationStarted] != FormatTime(t0) {
			t.Errorf("%s: annotations %v", tc.kind, p.Metadata.Annotations)
		}
	}
}

// TestViewLatest checks that the view reads its own writes until the cache
// has caught up with them, and then forgets them.
func TestViewLatest(t *testing.T) {
	v := &view{written: map[string]metav1.Object{}}
	job := func(rv string) *batchv1.Job {
		return &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: "a", ResourceVersion: rv}}
	}
	v.wrote("jobs", job("10"))
	if got := v.latest("jobs", "a", job("9")); got.GetResourceVersion() != "10" {
		t.Errorf("a stale cache wins: %s", got.GetResourceVersion())
	}
	if got := v.latest("jobs", "a", nil); got.GetResourceVersion() != "10" {
		t.Errorf("an empty cache: %v", got)
	}
	if got := v.latest("jobs", "a", job("11")); got.GetResourceVersion() != "11" {
		t.Errorf("a newer cache loses: %s", got.GetResourceVersion())
	}
	if _, ok := v.written["jobs/a"]; ok {
		t.Error("the write is kept after the cache caught up")
	}
	if !olderVersion("9", "10") || olderVersion("10", "9") || olderVersion("x", "10") {
		t.Error("olderVersion")
	}
}
