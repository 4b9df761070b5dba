package coordinator

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pipec-dev/pipec/plan"
)

// sim is a cluster in miniature for decide: task states, the results
// ConfigMap and a clock. apply carries out a decision as the API server
// would; finish plays a kubelet.
type sim struct {
	t      *testing.T
	plan   *plan.Plan
	order  []*plan.Task
	tasks  map[string]*taskState
	values map[string]string
	now    time.Time
	cancel string
	run    RunRecord
	// starts lists the tasks in the order they were started.
	starts []string
}

func newSim(t *testing.T, p *plan.Plan) *sim {
	t.Helper()
	p.APIVersion, p.Run, p.ResultsConfigMap, p.CoordinatorJob = plan.APIVersion, "r", "r-results", "r-coordinator"
	for _, ts := range [][]plan.Task{p.Tasks, p.Finally} {
		for i := range ts {
			ts[i].Job = "r-" + ts[i].Name
		}
	}
	order, err := topoOrder(p)
	if err != nil {
		t.Fatal(err)
	}
	s := &sim{t: t, plan: p, order: order, tasks: map[string]*taskState{}, values: map[string]string{}, now: t0}
	for _, task := range allTasks(p) {
		s.tasks[task.Name] = &taskState{phase: Pending, exists: true}
	}
	return s
}

func (s *sim) input() *input {
	tasks := map[string]*taskState{}
	for k, v := range s.tasks {
		c := *v
		tasks[k] = &c
	}
	return &input{plan: s.plan, order: s.order, tasks: tasks, values: maps.Clone(s.values),
		now: s.now, start: t0, cancel: s.cancel, run: s.run, uid: "uid-1"}
}

// step decides once and applies the decision.
func (s *sim) step() *decision {
	s.t.Helper()
	d := decide(s.input())
	// Deciding again on the same input gives the same decision: nothing
	// hides in the decider.
	if again := decide(s.input()); !reflect.DeepEqual(d, again) {
		s.t.Fatalf("two decisions on one input differ:\n%+v\n%+v", d, again)
	}
	for k, v := range d.values {
		if _, ok := s.values[k]; ok {
			s.t.Errorf("value %s written twice", k)
		}
		s.values[k] = v
	}
	for _, w := range d.jobs {
		st := s.tasks[w.task]
		switch w.kind {
		case writeStart:
			if st.phase != Pending {
				s.t.Fatalf("task %s started again (it is %s)", w.task, st.phase)
			}
			task := s.task(w.task)
			for _, key := range task.Needs {
				if _, ok := s.values[key]; !ok {
					s.t.Errorf("task %s started before %s was written", w.task, key)
				}
			}
			st.phase, st.started = Running, w.rec.Started
			s.starts = append(s.starts, w.task)
		case writeStop:
			if st.phase != Running {
				s.t.Fatalf("task %s stopped while %s", w.task, st.phase)
			}
			fallthrough
		default:
			st.phase, st.reason, st.message, st.recorded = Phase(w.rec.State), w.rec.Reason, w.rec.Message, true
			for name := range st.results {
				if _, ok := s.values[plan.ResultKey(w.task, name)]; !ok {
					s.t.Errorf("task %s recorded before its result %s was written", w.task, name)
				}
			}
		}
	}
	if d.run != nil {
		s.run = *d.run
	}
	return d
}

func (s *sim) task(name string) *plan.Task {
	for _, t := range allTasks(s.plan) {
		if t.Name == name {
			return t
		}
	}
	s.t.Fatalf("no task %s", name)
	return nil
}

// finish ends a running task as its pods would.
func (s *sim) finish(name string, phase Phase, results map[string]string) {
	s.t.Helper()
	st := s.tasks[name]
	if st.phase != Running {
		s.t.Fatalf("finish %s: it is %s", name, st.phase)
	}
	st.phase, st.results = phase, results
	st.reason = ReasonSucceeded
	if phase == Failed {
		st.reason = ReasonFailed
		if s.task(name).OnError == "continue" {
			st.reason = ReasonFailureIgnored
		}
	}
}

// settle steps until a decision writes nothing, and returns the tasks
// started meanwhile.
func (s *sim) settle() []string {
	s.t.Helper()
	before := len(s.starts)
	for range 20 {
		d := s.step()
		if len(d.values) == 0 && len(d.jobs) == 0 && d.run == nil {
			return s.starts[before:]
		}
	}
	s.t.Fatal("decisions do not settle")
	return nil
}

func (s *sim) want(name string, phase Phase, reason string) {
	s.t.Helper()
	st := s.tasks[name]
	if st.phase != phase || (reason != "" && st.reason != reason) {
		s.t.Errorf("task %s: %s (%s), want %s (%s)", name, st.phase, st.reason, phase, reason)
	}
}

func (s *sim) wantRun(state RunState, reason string) {
	s.t.Helper()
	if s.run.State != string(state) || s.run.Reason != reason {
		s.t.Errorf("run: %s (%s) %q, want %s (%s)", s.run.State, s.run.Reason, s.run.Message, state, reason)
	}
}

func wantStarts(t *testing.T, got []string, want ...string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("started %q, want %q", got, want)
	}
}

func after(names ...string) []string { return names }

func TestDecideLinear(t *testing.T) {
	s := newSim(t, &plan.Plan{Tasks: []plan.Task{
		{Name: "c", After: after("b")}, {Name: "a"}, {Name: "b", After: after("a")},
	}})
	wantStarts(t, s.settle(), "a")
	if s.values[keyPipelineRunUID] != "uid-1" {
		t.Errorf("the run's uid was not written before the first task: %v", s.values)
	}
	s.finish("a", Succeeded, nil)
	wantStarts(t, s.settle(), "b")
	s.finish("b", Succeeded, nil)
	wantStarts(t, s.settle(), "c")
	s.finish("c", Succeeded, nil)
	s.settle()
	s.wantRun(RunSucceeded, "Succeeded")
}

func TestDecideDiamondAndResults(t *testing.T) {
	s := newSim(t, &plan.Plan{
		Tasks: []plan.Task{
			{Name: "a", Results: []plan.ResultSpec{{Name: "id"}}},
			{Name: "b", After: after("a"), Needs: []string{"tasks.a.results.id"}},
			{Name: "c", After: after("a")},
			{Name: "d", After: after("b", "c")},
		},
		Results: []plan.PipelineResult{
			{Name: "id", Value: "build-$(tasks.a.results.id)"},
			{Name: "list", Value: []any{"$(tasks.a.results.id)", "x"}},
		},
	})
	wantStarts(t, s.settle(), "a")
	s.finish("a", Succeeded, map[string]string{"id": "v1"})
	d := decide(s.input())
	if d.values["tasks.a.results.id"] != "v1" {
		t.Fatalf("a's result is not written with its consumers' start: %+v", d)
	}
	wantStarts(t, s.settle(), "b", "c")
	s.finish("c", Succeeded, nil)
	wantStarts(t, s.settle())
	s.finish("b", Succeeded, nil)
	wantStarts(t, s.settle(), "d")
	s.finish("d", Succeeded, nil)
	s.settle()
	s.wantRun(RunSucceeded, "Succeeded")
	want := map[string]any{"id": "build-v1", "list": []string{"v1", "x"}}
	if !reflect.DeepEqual(s.run.Results, want) {
		t.Errorf("pipeline results %v, want %v", s.run.Results, want)
	}
}

func TestDecideWhenSkipIsScoped(t *testing.T) {
	s := newSim(t, &plan.Plan{Tasks: []plan.Task{
		{Name: "a", Results: []plan.ResultSpec{{Name: "r"}}},
		{Name: "guarded", After: after("a"), When: []plan.When{{Input: "$(tasks.a.results.r)", Operator: "in", Values: []string{"yes"}}}},
		{Name: "ordered", After: after("guarded")},
		{Name: "consumer", After: after("guarded"), Needs: []string{"tasks.guarded.results.out"}},
		{Name: "grandchild", After: after("consumer")},
	}})
	wantStarts(t, s.settle(), "a")
	s.finish("a", Succeeded, map[string]string{"r": "no"})
	wantStarts(t, s.settle(), "ordered")
	s.want("guarded", Skipped, SkipWhen)
	s.want("consumer", Skipped, SkipMissingResults)
	s.want("grandchild", Skipped, SkipParent)
	s.finish("ordered", Succeeded, nil)
	s.settle()
	s.wantRun(RunSucceeded, "Completed")
}

func TestDecideFailureStopsAndFinallyReadsStatus(t *testing.T) {
	s := newSim(t, &plan.Plan{
		Tasks: []plan.Task{
			{Name: "a"}, {Name: "slow"},
			{Name: "b", After: after("a")},
			{Name: "after-slow", After: after("slow")},
		},
		Finally: []plan.Task{
			{Name: "report", Needs: []string{"tasks.a.status", "tasks.b.status", "tasks.status"}},
			{Name: "on-success", When: []plan.When{{Input: "$(tasks.status)", Operator: "in", Values: []string{"Succeeded"}}}},
		},
	})
	wantStarts(t, s.settle(), "a", "slow")
	s.finish("a", Failed, nil)
	wantStarts(t, s.settle())
	s.want("b", Skipped, SkipStopping)
	s.want("after-slow", Skipped, SkipStopping)
	s.want("slow", Running, "")
	s.finish("slow", Succeeded, nil)
	wantStarts(t, s.settle(), "report")
	for k, v := range map[string]string{
		"tasks.a.status": "Failed", "tasks.a.reason": "Failed", "tasks.b.status": "None",
		"tasks.slow.status": "Succeeded", "tasks.status": "Failed",
	} {
		if s.values[k] != v {
			t.Errorf("%s = %q, want %q", k, s.values[k], v)
		}
	}
	s.want("on-success", Skipped, SkipWhen)
	s.finish("report", Succeeded, nil)
	s.settle()
	s.wantRun(RunFailed, "Failed")
}

func TestDecideOnErrorContinue(t *testing.T) {
	s := newSim(t, &plan.Plan{Tasks: []plan.Task{
		{Name: "a", OnError: "continue", Results: []plan.ResultSpec{{Name: "r"}}},
		{Name: "b", After: after("a")},
		{Name: "needs-r", After: after("a"), OnError: "continue", Needs: []string{"tasks.a.results.r"}},
	}})
	wantStarts(t, s.settle(), "a")
	s.finish("a", Failed, nil)
	wantStarts(t, s.settle(), "b")
	s.want("a", Failed, ReasonFailureIgnored)
	s.want("needs-r", Skipped, SkipMissingResults)
	s.finish("b", Succeeded, nil)
	s.settle()
	s.wantRun(RunSucceeded, "Completed")
}

func TestDecideMissingResultFailsValidation(t *testing.T) {
	s := newSim(t, &plan.Plan{Tasks: []plan.Task{
		{Name: "a"},
		{Name: "b", After: after("a")},
		{Name: "needs-r", After: after("a"), Needs: []string{"tasks.a.results.r"}},
		{Name: "c", After: after("b")},
	}, Finally: []plan.Task{{Name: "f"}}})
	wantStarts(t, s.settle(), "a")
	s.finish("a", Succeeded, nil)
	// The pass that finds needs-r's input missing starts nothing: b, ready
	// in the same pass, is skipped as the run is stopping.
	wantStarts(t, s.settle(), "f")
	s.want("needs-r", Failed, ReasonInvalidResultRef)
	if !strings.Contains(s.tasks["needs-r"].message, `did not emit the result "r"`) {
		t.Errorf("message %q", s.tasks["needs-r"].message)
	}
	s.want("b", Skipped, SkipStopping)
	s.want("c", Skipped, SkipStopping)
	if s.values["tasks.needs-r.status"] != "None" {
		t.Errorf("a task that never ran has status %q", s.values["tasks.needs-r.status"])
	}
	s.finish("f", Succeeded, nil)
	s.settle()
	s.wantRun(RunFailed, "PipelineValidationFailed")
}

func TestDecideCancel(t *testing.T) {
	mk := func() *sim {
		s := newSim(t, &plan.Plan{
			Tasks:   []plan.Task{{Name: "a"}, {Name: "b", After: after("a")}},
			Finally: []plan.Task{{Name: "f"}},
		})
		wantStarts(t, s.settle(), "a")
		return s
	}
	s := mk()
	s.cancel = CancelRunFinally
	wantStarts(t, s.settle(), "f")
	s.want("a", Failed, ReasonCancelled)
	// As in Tekton, a cancelled task stops the run, which comes first.
	s.want("b", Skipped, SkipStopping)
	s.finish("f", Succeeded, nil)
	s.settle()
	s.wantRun(RunCancelled, "Cancelled")

	s = mk()
	s.cancel = StopRunFinally
	wantStarts(t, s.settle())
	s.want("a", Running, "")
	s.want("b", Skipped, SkipGracefullyStopped)
	s.finish("a", Succeeded, nil)
	wantStarts(t, s.settle(), "f")
	s.finish("f", Succeeded, nil)
	s.settle()
	s.wantRun(RunCancelled, "Cancelled")

	s = mk()
	s.cancel = CancelWithFinally
	wantStarts(t, s.settle())
	s.want("a", Failed, ReasonCancelled)
	s.want("f", Skipped, SkipCancelled)
	s.wantRun(RunCancelled, "Cancelled")
}

func TestDecideTimeouts(t *testing.T) {
	minute := &plan.Duration{Duration: time.Minute}
	mk := func(tm plan.Timeouts) *sim {
		s := newSim(t, &plan.Plan{
			Timeouts: tm,
			Tasks:    []plan.Task{{Name: "a"}, {Name: "b", After: after("a")}},
			Finally:  []plan.Task{{Name: "f"}},
		})
		wantStarts(t, s.settle(), "a")
		return s
	}

	s := mk(plan.Timeouts{Pipeline: minute})
	if d := decide(s.input()); !d.wake.Equal(t0.Add(time.Minute)) {
		t.Errorf("wake at %v, want the pipeline's deadline", d.wake)
	}
	s.now = t0.Add(time.Minute)
	wantStarts(t, s.settle())
	s.want("a", Failed, ReasonCancelled)
	s.want("b", Skipped, SkipStopping)
	s.want("f", Skipped, SkipPipelineTimeout)
	s.wantRun(RunFailed, "PipelineRunTimeout")

	s = mk(plan.Timeouts{Tasks: minute})
	s.now = t0.Add(2 * time.Minute)
	wantStarts(t, s.settle(), "f")
	s.want("a", Failed, ReasonCancelled)
	s.finish("f", Succeeded, nil)
	s.settle()
	s.wantRun(RunFailed, "PipelineRunTimeout")

	// A task's own timeout: the deadline its observation carries.
	s = mk(plan.Timeouts{})
	s.tasks["a"].deadline = t0.Add(time.Minute)
	if d := decide(s.input()); !d.wake.Equal(t0.Add(time.Minute)) {
		t.Errorf("wake at %v, want the task's deadline", d.wake)
	}
	s.now = t0.Add(time.Minute)
	wantStarts(t, s.settle(), "f")
	s.want("a", Failed, ReasonTimedOut)
	s.finish("f", Succeeded, nil)
	s.settle()
	s.wantRun(RunFailed, "Failed")
}

func TestDecideMissingJob(t *testing.T) {
	s := newSim(t, &plan.Plan{Tasks: []plan.Task{{Name: "a"}}})
	s.tasks["a"].exists = false
	d := s.step()
	if len(d.jobs) != 0 || !slices.Equal(d.waiting, []string{"r-a"}) || d.done {
		t.Errorf("a task without its Job: %+v", d)
	}
}

func TestDecideRecordedRunIsFinal(t *testing.T) {
	s := newSim(t, &plan.Plan{Tasks: []plan.Task{{Name: "a"}}})
	s.run = RunRecord{Record: Record{State: string(RunSucceeded)}}
	if d := s.step(); !d.done || len(d.jobs) > 0 || len(d.values) > 0 {
		t.Errorf("a recorded run decides again: %+v", d)
	}
}

func TestTopoOrder(t *testing.T) {
	p := &plan.Plan{Tasks: []plan.Task{{Name: "c", After: after("b")}, {Name: "b", After: after("a")}, {Name: "a"}, {Name: "x"}}}
	order, err := topoOrder(p)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, t := range order {
		names = append(names, t.Name)
	}
	if want := []string{"a", "b", "c", "x"}; !slices.Equal(names, want) {
		t.Errorf("order %q, want %q", names, want)
	}
	p.Tasks[2].After = after("c")
	if _, err := topoOrder(p); err == nil {
		t.Error("a cycle is accepted")
	}
}

func TestDecideFinallyTimeout(t *testing.T) {
	s := newSim(t, &plan.Plan{
		Timeouts: plan.Timeouts{Finally: &plan.Duration{Duration: time.Minute}},
		Tasks:    []plan.Task{{Name: "a"}},
		Finally:  []plan.Task{{Name: "f"}, {Name: "g"}},
	})
	wantStarts(t, s.settle(), "a")
	s.now = t0.Add(10 * time.Minute) // timeouts.finally counts from the first finally start
	s.finish("a", Succeeded, nil)
	wantStarts(t, s.settle(), "f", "g")
	s.finish("g", Succeeded, nil)
	s.settle()
	if d := decide(s.input()); !d.wake.Equal(t0.Add(11 * time.Minute)) {
		t.Errorf("wake at %v, want the finally deadline", d.wake)
	}
	s.now = t0.Add(11 * time.Minute)
	s.settle()
	s.want("f", Failed, ReasonCancelled)
	if s.tasks["f"].message != MsgCancelledByFinallyTimeout {
		t.Errorf("f's message %q", s.tasks["f"].message)
	}
	s.wantRun(RunFailed, "Failed")
}
