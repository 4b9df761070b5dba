package coordinator

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pipec-dev/pipec/plan"
)

func TestPipelineResults(t *testing.T) {
	p := &plan.Plan{Results: []plan.PipelineResult{
		{Name: "s", Value: "id=$(tasks.ok.results.id)"},
		{Name: "arr", Value: []any{"$(tasks.ok.results.list[*])", "$(tasks.ok.results.id)"}},
		{Name: "whole", Value: "$(tasks.ok.results.obj[*])"},
		{Name: "obj", Value: map[string]any{"url": "$(tasks.ok.results.obj.url)"}},
		{Name: "from-failed", Value: "$(tasks.bad.results.r)"},
	}}
	tasks := map[string]*taskState{"ok": {phase: Succeeded}, "bad": {phase: Failed}}
	get := mapLookup(map[string]string{
		"tasks.ok.results.id":   "v1",
		"tasks.ok.results.list": `["a","b"]`,
		"tasks.ok.results.obj":  `{"url":"u"}`,
	})
	got, err := pipelineResults(p, tasks, get)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"s":     "id=v1",
		"arr":   []string{"a", "b", "v1"},
		"whole": map[string]any{"url": "u"},
		"obj":   map[string]string{"url": "u"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("results\n got %#v\nwant %#v", got, want)
	}

	// A result a succeeded task did not produce is an error, as in Tekton.
	p.Results = append(p.Results, plan.PipelineResult{Name: "missing", Value: "$(tasks.ok.results.nope)"})
	if _, err := pipelineResults(p, tasks, get); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("a missing result of a succeeded task: %v", err)
	}
	r := outcome(&plan.Plan{Run: "r", Results: p.Results}, tasks, "", get)
	if r.State != string(RunFailed) || r.Reason != "CouldntGetPipelineResult" {
		t.Errorf("outcome %s (%s)", r.State, r.Reason)
	}
}

func TestStatusValues(t *testing.T) {
	p := &plan.Plan{Tasks: []plan.Task{{Name: "a"}, {Name: "b"}, {Name: "c"}}}
	tasks := map[string]*taskState{
		"a": {phase: Succeeded, reason: ReasonSucceeded},
		"b": {phase: Skipped, reason: SkipWhen},
		"c": {phase: Failed, reason: ReasonTimedOut},
	}
	want := map[string]string{
		"tasks.a.status": "Succeeded", "tasks.a.reason": "Succeeded",
		"tasks.b.status": "None", "tasks.b.reason": "",
		"tasks.c.status": "Failed", "tasks.c.reason": "TaskRunTimeout",
		"tasks.status": "Failed",
	}
	if got := statusValues(p, tasks); !reflect.DeepEqual(got, want) {
		t.Errorf("statusValues\n got %v\nwant %v", got, want)
	}
	tasks["c"] = &taskState{phase: Succeeded}
	if got := statusValues(p, tasks)["tasks.status"]; got != "Completed" {
		t.Errorf("tasks.status with a skipped task = %q, want Completed", got)
	}
}
