//go:build e2e

package coordinator

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pipec-dev/pipec/plan"
)

// run is one scenario on the control plane: a run's objects, the fake
// kubelet, the recorder, and what the coordinator did.
type run struct {
	t      testing.TB
	ctx    context.Context
	f      *fixture
	drv    *driver
	rec    *recorder
	record RunRecord
	stats  Stats
}

// newRun creates a run's objects in a fresh namespace and starts the fake
// kubelet and the recorder (before the objects exist).
func newRun(t testing.TB, p *plan.Plan, behave behaviour) *run {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), deadline)
	t.Cleanup(cancel)
	ns := cluster.NewNamespace(t)
	r := &run{t: t, ctx: ctx, f: newFixture(ns, "r", p)}
	r.rec = startRecorder(ctx, t, ns)
	r.drv = newDriver(t, ns, behave)
	go r.drv.run(ctx)
	r.f.create(ctx, t, cluster.Client())
	return r
}

// coordinator returns a coordinator for the run, logging to the test.
func (r *run) coordinator() *Coordinator {
	r.t.Helper()
	c, err := New(Options{Config: cluster.RESTConfig(), Namespace: r.f.ns, Run: r.f.plan.Run, Logf: r.t.Logf})
	if err != nil {
		r.t.Fatal(err)
	}
	return c
}

// coordinate runs a coordinator to the end of the run.
func (r *run) coordinate() RunRecord {
	r.t.Helper()
	c := r.coordinator()
	rec, err := c.Run(r.ctx)
	if err != nil {
		r.t.Fatal(err)
	}
	r.record, r.stats = rec, c.Stats()
	r.t.Logf("run: %s (%s) %s; %d writes, %d conflicts, %d reconciles", rec.State, rec.Reason, rec.Message, r.stats.Writes, r.stats.Conflicts, r.stats.Reconciles)
	return rec
}

// describe reads the run's records as `pipec runs describe` does.
func (r *run) describe() map[string]TaskDescription {
	r.t.Helper()
	d, err := Describe(r.ctx, cluster.RESTConfig(), r.f.ns, r.f.plan.Run)
	if err != nil {
		r.t.Fatal(err)
	}
	out := map[string]TaskDescription{}
	for _, td := range d.Tasks {
		out[td.Name] = td
	}
	return out
}

// values reads the results ConfigMap.
func (r *run) values() map[string]string {
	r.t.Helper()
	cm, err := cluster.Client().CoreV1().ConfigMaps(r.f.ns).Get(r.ctx, r.f.plan.ResultsConfigMap, metav1.GetOptions{})
	if err != nil {
		r.t.Fatal(err)
	}
	return cm.Data
}

// taskOf maps Job names back to task names.
func (r *run) taskOf(job string) string {
	for _, t := range allTasks(r.f.plan) {
		if t.Job == job {
			return t.Name
		}
	}
	return job
}

// started returns the tasks in the order their Jobs were unsuspended,
// once the recorder has seen every start the records report.
func (r *run) started() []string {
	r.t.Helper()
	want := 0
	for _, td := range r.describe() {
		if !td.Started.IsZero() {
			want++
		}
	}
	var got []string
	for range 100 {
		got = got[:0]
		for _, j := range r.rec.unsuspends() {
			got = append(got, r.taskOf(j))
		}
		if len(got) >= want {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	return got
}

// check asserts what every scenario must hold: no pod started before its
// values existed; no Job unsuspended twice, by the watch and by the Jobs'
// generations; and the tasks' final states.
func (r *run) check(want map[string]string) []string {
	r.t.Helper()
	r.drv.mu.Lock()
	for _, v := range r.drv.violations {
		r.t.Error(v)
	}
	r.drv.mu.Unlock()
	order := r.started()
	seen := map[string]bool{}
	for _, task := range order {
		if seen[task] {
			r.t.Errorf("task %s unsuspended twice: %v", task, order)
		}
		seen[task] = true
	}
	// Inputs first: every value a started task needs was in the results
	// ConfigMap before its Job was unsuspended, by etcd's order of changes.
	for _, t := range allTasks(r.f.plan) {
		rv := r.rec.unsuspendVersion(t.Job)
		if rv == "" {
			continue
		}
		for _, key := range t.Needs {
			r.rec.waitValue(r.ctx, r.f.plan.ResultsConfigMap, key)
			if ok, exact := r.rec.valueBefore(r.f.plan.ResultsConfigMap, key, rv); exact && !ok {
				r.t.Errorf("task %s was unsuspended (version %s) before %s was written", t.Name, rv, key)
			}
		}
	}
	// Dependencies first: a started task's parents that started, started
	// before it; every DAG task that started, before any finally task.
	for i := range r.f.plan.Tasks {
		t := &r.f.plan.Tasks[i]
		for _, p := range t.After {
			if seen[t.Name] && seen[p] && !before(order, p, t.Name) {
				r.t.Errorf("task %s started before its parent %s: %v", t.Name, p, order)
			}
		}
		for _, f := range r.f.plan.Finally {
			if seen[t.Name] && seen[f.Name] && !before(order, t.Name, f.Name) {
				r.t.Errorf("finally task %s started before task %s: %v", f.Name, t.Name, order)
			}
		}
	}
	desc := r.describe()
	for _, task := range allTasks(r.f.plan) {
		td := desc[task.Name]
		// A Job's spec changes once to start and once more to stop.
		limit := int64(2)
		if td.Reason == ReasonCancelled || td.Reason == ReasonTimedOut {
			limit = 3
		}
		if g := r.rec.generation(task.Job); g > limit {
			r.t.Errorf("task %s: Job generation %d > %d: its spec changed more than starting and stopping it would", task.Name, g, limit)
		}
		w, ok := want[task.Name]
		if !ok {
			continue
		}
		got := td.State
		if td.Reason != "" {
			got += " " + td.Reason
		}
		if got != w {
			r.t.Errorf("task %s: %s, want %s (message %q)", task.Name, got, w, td.Message)
		}
		if td.State == string(Succeeded) && (td.Started.IsZero() || td.Finished.Before(td.Started)) {
			r.t.Errorf("task %s: times %v → %v", task.Name, td.Started, td.Finished)
		}
	}
	return order
}

func (r *run) wantRun(state RunState, reason string) {
	r.t.Helper()
	if r.record.State != string(state) || r.record.Reason != reason {
		r.t.Errorf("run: %s (%s) %q, want %s (%s)", r.record.State, r.record.Reason, r.record.Message, state, reason)
	}
}

func wantOrder(t *testing.T, got []string, want ...string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("unsuspended %v, want %v", got, want)
	}
}

// before reports whether a comes before b in order.
func before(order []string, a, b string) bool {
	i, j := slices.Index(order, a), slices.Index(order, b)
	return i >= 0 && j >= 0 && i < j
}

// writesPerTask bounds the API writes of a run: per task a start, an end
// and its share of the results ConfigMap's writes, and per run its first
// values and its record. Conflicts are writes too.
func (r *run) checkWrites() {
	r.t.Helper()
	n := int64(len(allTasks(r.f.plan)))
	if limit := 3*n + 2; r.stats.Writes > limit {
		r.t.Errorf("%d API writes for %d tasks, more than %d", r.stats.Writes, n, limit)
	}
}

func TestLinear(t *testing.T) {
	r := newRun(t, &plan.Plan{Tasks: []plan.Task{
		{Name: "a"}, {Name: "b", After: []string{"a"}}, {Name: "c", After: []string{"b"}},
	}}, succeed(nil))
	r.coordinate()
	order := r.check(map[string]string{"a": "Succeeded Succeeded", "b": "Succeeded Succeeded", "c": "Succeeded Succeeded"})
	wantOrder(t, order, "a", "b", "c")
	r.wantRun(RunSucceeded, "Succeeded")
	r.checkWrites()
}

func TestDiamond(t *testing.T) {
	r := newRun(t, &plan.Plan{Tasks: []plan.Task{
		{Name: "top"},
		{Name: "left", After: []string{"top"}},
		{Name: "right", After: []string{"top"}},
		{Name: "bottom", After: []string{"left", "right"}},
	}}, func(task string, _, _ int) podEnd {
		if task == "left" {
			return podEnd{delay: 500 * time.Millisecond} // bottom must wait for the slower branch
		}
		return podEnd{}
	})
	r.coordinate()
	order := r.check(map[string]string{"top": "Succeeded Succeeded", "left": "Succeeded Succeeded", "right": "Succeeded Succeeded", "bottom": "Succeeded Succeeded"})
	if len(order) != 4 || order[0] != "top" || order[3] != "bottom" {
		t.Errorf("unsuspended %v, want top, left and right in either order, bottom", order)
	}
	r.wantRun(RunSucceeded, "Succeeded")
	r.checkWrites()
}

// TestResultFlows is seed 05-results' shape, from the plan contract: the
// build id that get-build-id produces reaches build-and-push through the
// results ConfigMap before its Job starts.
func TestResultFlows(t *testing.T) {
	p := &plan.Plan{
		Tasks: []plan.Task{
			{Name: "test"},
			{Name: "get-build-id", Results: []plan.ResultSpec{{Name: "timestamp"}, {Name: "build-id"}}},
			{Name: "build-and-push", After: []string{"get-build-id", "test"}, Needs: []string{"tasks.get-build-id.results.build-id"}},
		},
		Results: []plan.PipelineResult{{Name: "image-tag", Value: "$(tasks.get-build-id.results.build-id)"}},
	}
	r := newRun(t, p, succeed(map[string]map[string]string{
		"get-build-id": {"timestamp": "20220719-064312", "build-id": "v0.3.0-20220719-064312"},
	}))
	r.coordinate()
	order := r.check(map[string]string{"test": "Succeeded Succeeded", "get-build-id": "Succeeded Succeeded", "build-and-push": "Succeeded Succeeded"})
	if !before(order, "get-build-id", "build-and-push") || !before(order, "test", "build-and-push") {
		t.Errorf("unsuspended %v", order)
	}
	vals := r.values()
	if got := vals["tasks.get-build-id.results.build-id"]; got != "v0.3.0-20220719-064312" {
		t.Errorf("build-id in the results ConfigMap = %q", got)
	}
	if vals[keyPipelineRunUID] == "" {
		t.Errorf("no %s in the results ConfigMap", keyPipelineRunUID)
	}
	if got := r.record.Results["image-tag"]; got != "v0.3.0-20220719-064312" {
		t.Errorf("pipeline result image-tag = %v", got)
	}
	r.wantRun(RunSucceeded, "Succeeded")
	r.checkWrites()
}

func TestWhenSkip(t *testing.T) {
	p := &plan.Plan{Tasks: []plan.Task{
		{Name: "check", Results: []plan.ResultSpec{{Name: "deploy"}}},
		{Name: "deploy", After: []string{"check"}, Results: []plan.ResultSpec{{Name: "url"}},
			When: []plan.When{{Input: "$(tasks.check.results.deploy)", Operator: "in", Values: []string{"yes"}}}},
		// Ordered after the skipped task: when expressions guard only
		// their task, so it runs.
		{Name: "notify", After: []string{"deploy"}},
		// Needs the skipped task's result: skipped, and so is its child.
		{Name: "smoke", After: []string{"deploy"}, Needs: []string{"tasks.deploy.results.url"}},
		{Name: "report", After: []string{"smoke"}},
	}}
	r := newRun(t, p, succeed(map[string]map[string]string{"check": {"deploy": "no"}}))
	r.coordinate()
	order := r.check(map[string]string{
		"check": "Succeeded Succeeded", "deploy": "Skipped " + SkipWhen, "notify": "Succeeded Succeeded",
		"smoke": "Skipped " + SkipMissingResults, "report": "Skipped " + SkipParent,
	})
	wantOrder(t, order, "check", "notify")
	r.wantRun(RunSucceeded, "Completed")
	r.checkWrites()
}

func TestFinallyReadsStatuses(t *testing.T) {
	p := &plan.Plan{
		Tasks: []plan.Task{
			{Name: "build"}, {Name: "lint"},
			{Name: "deploy", After: []string{"build"}},
		},
		Finally: []plan.Task{
			{Name: "report", Needs: []string{"tasks.build.status", "tasks.build.reason", "tasks.deploy.status", "tasks.status"}},
			{Name: "celebrate", When: []plan.When{{Input: "$(tasks.status)", Operator: "in", Values: []string{"Succeeded"}}}},
			{Name: "cleanup", When: []plan.When{{Input: "$(tasks.build.status)", Operator: "in", Values: []string{"Failed"}}}},
		},
	}
	r := newRun(t, p, func(task string, _, _ int) podEnd {
		if task == "build" {
			return podEnd{fail: true, errText: "compile error"}
		}
		return podEnd{delay: 300 * time.Millisecond}
	})
	r.coordinate()
	order := r.check(map[string]string{
		"build": "Failed Failed", "lint": "Succeeded Succeeded", "deploy": "Skipped " + SkipStopping,
		"report": "Succeeded Succeeded", "celebrate": "Skipped " + SkipWhen, "cleanup": "Succeeded Succeeded",
	})
	if !before(order, "lint", "report") || !before(order, "build", "cleanup") || slices.Contains(order, "deploy") {
		t.Errorf("unsuspended %v", order)
	}
	vals := r.values()
	for k, v := range map[string]string{
		"tasks.build.status": "Failed", "tasks.build.reason": "Failed", "tasks.lint.status": "Succeeded",
		"tasks.deploy.status": "None", "tasks.status": "Failed",
	} {
		if vals[k] != v {
			t.Errorf("%s = %q, want %q", k, vals[k], v)
		}
	}
	if msg := r.describe()["build"].Message; !strings.Contains(msg, "compile error") {
		t.Errorf("build's message %q does not carry the step's error", msg)
	}
	r.wantRun(RunFailed, "Failed")
	r.checkWrites()
}

func TestRetry(t *testing.T) {
	p := &plan.Plan{Tasks: []plan.Task{
		{Name: "flaky", Retries: 2, Results: []plan.ResultSpec{{Name: "n"}}},
		{Name: "next", After: []string{"flaky"}, Needs: []string{"tasks.flaky.results.n"}},
	}}
	r := newRun(t, p, func(task string, _, attempt int) podEnd {
		if task == "flaky" && attempt == 0 {
			return podEnd{fail: true, errText: "flake", results: map[string]string{"n": "first"}}
		}
		return podEnd{results: map[string]string{"n": fmt.Sprint("attempt-", attempt)}}
	})
	r.coordinate()
	order := r.check(map[string]string{"flaky": "Succeeded Succeeded", "next": "Succeeded Succeeded"})
	wantOrder(t, order, "flaky", "next")
	if n := r.drv.attempts("flaky"); n != 2 {
		t.Errorf("flaky had %d pods, want 2", n)
	}
	if got := r.values()["tasks.flaky.results.n"]; got != "attempt-1" {
		t.Errorf("result of the retried task = %q, want the successful attempt's", got)
	}
	r.wantRun(RunSucceeded, "Succeeded")
	r.checkWrites()
}

func TestTaskTimeout(t *testing.T) {
	second := &plan.Duration{Duration: time.Second}
	p := &plan.Plan{
		Tasks: []plan.Task{
			// The kubelet ends it at its activeDeadlineSeconds.
			{Name: "deadline", Timeout: second},
			// Never ends: the coordinator stops it.
			{Name: "stuck", Timeout: second},
			{Name: "after", After: []string{"stuck", "deadline"}},
		},
		Finally: []plan.Task{{Name: "always"}},
	}
	r := newRun(t, p, func(task string, _, _ int) podEnd {
		switch task {
		case "deadline":
			return podEnd{deadline: true, delay: time.Second}
		case "stuck":
			return podEnd{hang: true}
		}
		return podEnd{}
	})
	r.coordinate()
	order := r.check(map[string]string{
		"deadline": "Failed " + ReasonTimedOut, "stuck": "Failed " + ReasonTimedOut,
		"after": "Skipped " + SkipStopping, "always": "Succeeded Succeeded",
	})
	if len(order) != 3 || order[2] != "always" {
		t.Errorf("unsuspended %v, want deadline and stuck in either order, then always", order)
	}
	r.wantRun(RunFailed, "Failed")
	r.waitStopped("stuck")
	r.checkWrites()
}

// waitStopped waits until a stopped task's Job has no pod left running:
// stopping it suspended it again, and the Job controller deletes its pods.
func (r *run) waitStopped(task string) {
	r.t.Helper()
	job := r.f.plan.Tasks[slices.IndexFunc(r.f.plan.Tasks, func(t plan.Task) bool { return t.Name == task })].Job
	for {
		j, err := cluster.Client().BatchV1().Jobs(r.f.ns).Get(r.ctx, job, metav1.GetOptions{})
		if err != nil {
			r.t.Fatal(err)
		}
		if j.Spec.Suspend != nil && *j.Spec.Suspend && j.Status.Active == 0 {
			return
		}
		select {
		case <-r.ctx.Done():
			r.t.Fatalf("task %s: Job still has %d active pods (suspend=%v)", task, j.Status.Active, *j.Spec.Suspend)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func TestPipelineTimeout(t *testing.T) {
	p := &plan.Plan{
		Timeouts: plan.Timeouts{Pipeline: &plan.Duration{Duration: 3 * time.Second}},
		Tasks:    []plan.Task{{Name: "quick"}, {Name: "slow", After: []string{"quick"}}, {Name: "never", After: []string{"slow"}}},
		Finally:  []plan.Task{{Name: "cleanup"}},
	}
	r := newRun(t, p, func(task string, _, _ int) podEnd {
		if task == "slow" {
			return podEnd{hang: true}
		}
		return podEnd{}
	})
	r.coordinate()
	order := r.check(map[string]string{
		"quick": "Succeeded Succeeded", "slow": "Failed " + ReasonCancelled, "never": "Skipped " + SkipStopping,
		"cleanup": "Skipped " + SkipPipelineTimeout,
	})
	wantOrder(t, order, "quick", "slow")
	if msg := r.describe()["slow"].Message; msg != MsgCancelledByTimeout {
		t.Errorf("slow's message %q", msg)
	}
	r.wantRun(RunFailed, "PipelineRunTimeout")
	r.waitStopped("slow")
	r.checkWrites()
}

func TestTasksTimeoutRunsFinally(t *testing.T) {
	p := &plan.Plan{
		Timeouts: plan.Timeouts{Tasks: &plan.Duration{Duration: 2 * time.Second}},
		Tasks:    []plan.Task{{Name: "slow"}},
		Finally:  []plan.Task{{Name: "cleanup", Needs: []string{"tasks.slow.status"}}},
	}
	r := newRun(t, p, func(task string, _, _ int) podEnd { return podEnd{hang: task == "slow"} })
	r.coordinate()
	order := r.check(map[string]string{"slow": "Failed " + ReasonCancelled, "cleanup": "Succeeded Succeeded"})
	wantOrder(t, order, "slow", "cleanup")
	r.wantRun(RunFailed, "PipelineRunTimeout")
	r.checkWrites()
}

func TestCancel(t *testing.T) {
	p := &plan.Plan{
		Tasks:   []plan.Task{{Name: "long"}, {Name: "next", After: []string{"long"}}},
		Finally: []plan.Task{{Name: "cleanup", Needs: []string{"tasks.long.status"}}},
	}
	r := newRun(t, p, func(task string, _, _ int) podEnd { return podEnd{hang: task == "long"} })
	// Cancel once long's pod runs, as `pipec runs cancel` will: an
	// annotation on the coordinator Job.
	go func() {
		for r.drv.attempts("long") == 0 {
			select {
			case <-r.ctx.Done():
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
		patch := fmt.Sprintf(`{"metadata":{"annotations":{%q:%q}}}`, AnnotationCancel, CancelRunFinally)
		_, err := cluster.Client().BatchV1().Jobs(r.f.ns).Patch(r.ctx, r.f.plan.CoordinatorJob, "application/merge-patch+json", []byte(patch), metav1.PatchOptions{})
		if err != nil {
			t.Error(err)
		}
	}()
	r.coordinate()
	order := r.check(map[string]string{"long": "Failed " + ReasonCancelled, "next": "Skipped " + SkipStopping, "cleanup": "Succeeded Succeeded"})
	wantOrder(t, order, "long", "cleanup")
	if got := r.values()["tasks.long.status"]; got != "Failed" {
		t.Errorf("tasks.long.status = %q", got)
	}
	r.wantRun(RunCancelled, "Cancelled")
	r.waitStopped("long")
	r.checkWrites()
}

func TestOnErrorContinue(t *testing.T) {
	p := &plan.Plan{Tasks: []plan.Task{
		{Name: "optional", OnError: "continue"},
		{Name: "main", After: []string{"optional"}},
	}}
	r := newRun(t, p, func(task string, _, _ int) podEnd { return podEnd{fail: task == "optional", errText: "ignored"} })
	r.coordinate()
	order := r.check(map[string]string{"optional": "Failed " + ReasonFailureIgnored, "main": "Succeeded Succeeded"})
	wantOrder(t, order, "optional", "main")
	r.wantRun(RunSucceeded, "Succeeded")
	r.checkWrites()
}

func TestMatrix(t *testing.T) {
	p := &plan.Plan{
		Tasks: []plan.Task{
			{Name: "build", Matrix: 4, Results: []plan.ResultSpec{{Name: "digest"}}},
			{Name: "publish", After: []string{"build"}, Needs: []string{"tasks.build.results.digest"}},
		},
		Results: []plan.PipelineResult{{Name: "digests", Type: "array", Value: []any{"$(tasks.build.results.digest[*])"}}},
	}
	r := newRun(t, p, func(task string, index, _ int) podEnd {
		if task != "build" {
			return podEnd{}
		}
		// Combinations end in reverse order; results keep combination order.
		return podEnd{delay: time.Duration(4-index) * 200 * time.Millisecond, results: map[string]string{"digest": fmt.Sprint("sha-", index)}}
	})
	r.coordinate()
	order := r.check(map[string]string{"build": "Succeeded Succeeded", "publish": "Succeeded Succeeded"})
	wantOrder(t, order, "build", "publish")
	if n := r.drv.attempts("build"); n != 4 {
		t.Errorf("build had %d pods, want 4", n)
	}
	want := `["sha-0","sha-1","sha-2","sha-3"]`
	if got := r.values()["tasks.build.results.digest"]; got != want {
		t.Errorf("aggregated result = %s, want %s", got, want)
	}
	if got := fmt.Sprint(r.record.Results["digests"]); got != "[sha-0 sha-1 sha-2 sha-3]" {
		t.Errorf("pipeline result digests = %s", got)
	}
	r.wantRun(RunSucceeded, "Succeeded")
	r.checkWrites()
}
