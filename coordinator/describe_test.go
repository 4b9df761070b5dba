package coordinator

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestWriteTable(t *testing.T) {
	d := &Description{
		Name: "r",
		Run: RunRecord{
			Record:  Record{State: "Failed", Reason: "Failed", Message: "Tasks Completed: 1 (Failed: 1, Cancelled 0), Skipped: 1", Started: t0, Finished: t0.Add(3 * time.Second)},
			Results: map[string]any{"id": "v1"},
		},
		Tasks: []TaskDescription{
			{Name: "build", Job: "r-build", Exists: true, Record: Record{State: "Failed", Reason: "Failed", Message: "step-main: boom", Started: t0, Finished: t0.Add(1500 * time.Millisecond)}},
			{Name: "deploy", Job: "r-deploy", Exists: true, Record: Record{State: "Skipped", Reason: SkipStopping}},
			{Name: "report", Job: "r-report", Finally: true},
		},
	}
	var b bytes.Buffer
	if err := d.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	for _, want := range []string{
		"TASK", "build", "Failed", "1.5s", "step-main: boom",
		"deploy", "PipelineRun was stopping",
		"report (finally)", "(no Job r-report)",
		"run r: Failed (Failed) in 3s", "Tasks Completed", "result id: v1",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("table lacks %q:\n%s", want, got)
		}
	}
}
