package coordinator

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/pipec-dev/pipec/plan"
)

// input is everything one decision is made from: the plan, each task's
// observed state, the results ConfigMap, the clock and the run's own
// record. Nothing else: a restarted coordinator that sees the same input
// decides the same.
type input struct {
	plan  *plan.Plan
	order []*plan.Task // the DAG tasks, parents first
	tasks map[string]*taskState
	// values is the results ConfigMap's data.
	values map[string]string
	now    time.Time
	// start is when the run started (the coordinator Job's creation): the
	// origin of timeouts.pipeline and timeouts.tasks.
	start  time.Time
	cancel string // "" or a cancel mode
	run    RunRecord
	uid    string // $(context.pipelineRun.uid)
}

// writeKind says what a Job write does.
type writeKind int

const (
	// writeStart unsuspends a Job and records Running and the start time.
	writeStart writeKind = iota
	// writeStop suspends a running Job again, which deletes its pods, and
	// records the task's end.
	writeStop
	// writeSkip records the end of a task that never started: skipped, or
	// failed because a result it needed is missing.
	writeSkip
	// writeRecord records the end a task's pods reached.
	writeRecord
)

func (k writeKind) String() string {
	return [...]string{"start", "stop", "skip", "record"}[k]
}

// guarded reports whether a write depends on the Job not having changed
// since it was observed: starting, stopping and skipping are decisions
// about a Job's suspension, taken on a view that may be stale, so the
// patch carries the observed resourceVersion and a conflict cancels it.
// Recording what pods did is true whatever the Job's version.
func (k writeKind) guarded() bool { return k != writeRecord }

// jobWrite is one patch of a task's Job.
type jobWrite struct {
	task string
	kind writeKind
	rec  Record
}

// decision is what to write, in this order: values into the results
// ConfigMap, then the Jobs, then the run's record. Each step runs only when
// the one before succeeded, so no consumer starts before its inputs are
// written and no task is recorded done before its results are.
type decision struct {
	values map[string]string
	jobs   []jobWrite
	run    *RunRecord
	// done reports that the run has finished: its record is written, or
	// run will write it.
	done bool
	// wake is when a timeout falls due; zero for none.
	wake time.Time
	// waiting names Jobs that a decision needs but that do not exist yet.
	waiting []string
}

// decider holds one decision in the making.
type decider struct {
	in  *input
	d   *decision
	get lookup

	pipelineOver, tasksOver, finallyOver bool
}

// decide computes what to write next. It is pure: everything comes from in.
// Decisions change the states in in.tasks as they are made, so that a task
// skipped early in the pass skips its dependents later in the same pass.
func decide(in *input) *decision {
	d := &decision{values: map[string]string{}}
	if in.run.Final() {
		d.done = true
		return d
	}
	dc := &decider{in: in, d: d}
	dc.get = func(key string) (string, bool) {
		if v, ok := d.values[key]; ok {
			return v, true
		}
		v, ok := in.values[key]
		return v, ok
	}
	dc.collectValues()
	dc.timeouts()
	dc.stops()
	dc.records()
	dc.scheduleDAG()
	if dc.dagDone() && len(in.plan.Finally) > 0 {
		for k, v := range statusValues(in.plan, in.tasks) {
			dc.add(k, v)
		}
		dc.scheduleFinally()
	}
	if dc.dagDone() && dc.finallyDone() && len(d.waiting) == 0 {
		r := outcome(in.plan, in.tasks, in.cancel, dc.get)
		r.Started = in.start
		r.Finished = in.now
		d.run = &r
		d.done = true
	}
	return d
}

// add plans a value for the results ConfigMap unless it is there.
func (dc *decider) add(key, value string) {
	if _, ok := dc.in.values[key]; !ok {
		dc.d.values[key] = value
	}
}

// collectValues plans the run's uid and every result a finished task
// reported.
func (dc *decider) collectValues() {
	if dc.in.uid != "" {
		dc.add(keyPipelineRunUID, dc.in.uid)
	}
	for _, t := range allTasks(dc.in.plan) {
		st := dc.in.tasks[t.Name]
		if st.phase != Succeeded && st.phase != Failed {
			continue
		}
		for _, name := range slices.Sorted(maps.Keys(st.results)) {
			dc.add(plan.ResultKey(t.Name, name), st.results[name])
		}
	}
}

// timeouts finds which of the run's timeouts have passed, and when the
// next one falls due.
func (dc *decider) timeouts() {
	in, tm := dc.in, dc.in.plan.Timeouts
	over := func(from time.Time, d *plan.Duration) bool {
		if from.IsZero() || d == nil || d.Duration <= 0 {
			return false
		}
		at := from.Add(d.Duration)
		if !in.now.Before(at) {
			return true
		}
		dc.wakeAt(at)
		return false
	}
	dc.pipelineOver = over(in.start, tm.Pipeline)
	if !dc.dagDone() {
		dc.tasksOver = over(in.start, tm.Tasks)
	}
	var finallyStart time.Time
	for i := range in.plan.Finally {
		st := in.tasks[in.plan.Finally[i].Name]
		if st.phase != Pending && !st.started.IsZero() && (finallyStart.IsZero() || st.started.Before(finallyStart)) {
			finallyStart = st.started
		}
	}
	if !dc.finallyDone() {
		dc.finallyOver = over(finallyStart, tm.Finally)
	}
}

func (dc *decider) wakeAt(t time.Time) {
	if dc.d.wake.IsZero() || t.Before(dc.d.wake) {
		dc.d.wake = t
	}
}

// stops ends running tasks that cancellation or a timeout ends.
func (dc *decider) stops() {
	in := dc.in
	for i, t := range allTasks(in.plan) {
		st := in.tasks[t.Name]
		if st.phase != Running {
			continue
		}
		final := i >= len(in.plan.Tasks)
		reason, msg := ReasonCancelled, ""
		switch {
		case in.cancel == CancelWithFinally:
			msg = MsgCancelledByRun
		case in.cancel == CancelRunFinally && !final:
			msg = MsgCancelledByRun
		case dc.pipelineOver:
			msg = MsgCancelledByTimeout
		case dc.tasksOver && !final:
			msg = MsgCancelledByTimeout
		case dc.finallyOver && final:
			msg = MsgCancelledByFinallyTimeout
		case !st.deadline.IsZero() && !in.now.Before(st.deadline):
			reason = ReasonTimedOut
			msg = fmt.Sprintf("TaskRun %q failed to finish within its timeout", t.Job)
			if t.Timeout != nil {
				msg = fmt.Sprintf("TaskRun %q failed to finish within %q", t.Job, t.Timeout.Duration)
			}
		default:
			if !st.deadline.IsZero() {
				dc.wakeAt(st.deadline)
			}
			continue
		}
		st.phase, st.reason, st.message, st.finished = Failed, reason, msg, in.now
		st.recorded = true
		dc.d.jobs = append(dc.d.jobs, jobWrite{task: t.Name, kind: writeStop, rec: recordOf(st)})
	}
}

// records plans the record of every task whose pods have finished.
func (dc *decider) records() {
	for _, t := range allTasks(dc.in.plan) {
		st := dc.in.tasks[t.Name]
		if !st.phase.Final() || st.recorded {
			continue
		}
		st.finished = endTime(st.finished, st.started, dc.in.now)
		st.recorded = true
		dc.d.jobs = append(dc.d.jobs, jobWrite{task: t.Name, kind: writeRecord, rec: recordOf(st)})
	}
}

// endTime is when to record that a task ended: when the coordinator saw
// it, which is within milliseconds of the end; the API keeps the pods' own
// times to the second only. After the coordinator was away, the pods'
// time is the better one.
func endTime(pods, started, now time.Time) time.Time {
	t := now
	if !pods.IsZero() && now.Sub(pods) > 2*time.Second {
		t = pods
	}
	if t.Before(started) {
		t = started
	}
	return t
}

func recordOf(st *taskState) Record {
	return Record{State: string(st.phase), Reason: st.reason, Message: st.message, Started: st.started, Finished: st.finished}
}

// stopping reports whether a DAG task failed (and not with onError:
// continue), after which Tekton starts no new DAG task.
func (dc *decider) stopping() bool {
	for i := range dc.in.plan.Tasks {
		t := &dc.in.plan.Tasks[i]
		st := dc.in.tasks[t.Name]
		if st.phase == Failed && (t.OnError != "continue" || st.reason == ReasonInvalidResultRef) {
			return true
		}
	}
	return false
}

func (dc *decider) dagDone() bool {
	for i := range dc.in.plan.Tasks {
		if !dc.in.tasks[dc.in.plan.Tasks[i].Name].phase.Final() {
			return false
		}
	}
	return true
}

func (dc *decider) finallyDone() bool {
	for i := range dc.in.plan.Finally {
		if !dc.in.tasks[dc.in.plan.Finally[i].Name].phase.Final() {
			return false
		}
	}
	return true
}

// scheduleDAG decides every pending DAG task, parents first. As in Tekton,
// a pass that finds a task whose input is missing starts nothing: the run
// is stopping, so the pass is made again, skipping what it would have
// started.
func (dc *decider) scheduleDAG() {
	saved := make(map[string]taskState, len(dc.in.order))
	for _, t := range dc.in.order {
		saved[t.Name] = *dc.in.tasks[t.Name]
	}
	jobs, waiting := len(dc.d.jobs), len(dc.d.waiting)
	if !dc.dagPass() {
		return
	}
	// Undo the pass but keep its failed validations, then pass again.
	kept := dc.d.jobs[:jobs]
	for _, w := range dc.d.jobs[jobs:] {
		if w.kind == writeSkip && w.rec.Reason == ReasonInvalidResultRef {
			kept = append(kept, w)
		}
	}
	dc.d.jobs, dc.d.waiting = kept, dc.d.waiting[:waiting]
	for _, t := range dc.in.order {
		st := dc.in.tasks[t.Name]
		if st.reason != ReasonInvalidResultRef {
			*st = saved[t.Name]
		}
	}
	dc.dagPass()
}

// dagPass decides the pending DAG tasks once, and reports whether it found
// a task whose input is missing (which stops the run).
func (dc *decider) dagPass() (invalid bool) {
	in := dc.in
	stopping := dc.stopping()
	for _, t := range in.order {
		st := in.tasks[t.Name]
		if st.phase != Pending {
			continue
		}
		skip, ready := "", false
		switch {
		case stopping:
			skip = SkipStopping
		case in.cancel == CancelWithFinally:
			skip = SkipCancelled
		case in.cancel == StopRunFinally:
			skip = SkipGracefullyStopped
		case in.cancel != "":
			skip = SkipGracefullyCancel
		default:
			var fail string
			skip, fail, ready = dc.pendingDAG(t)
			if fail != "" {
				dc.settle(t, st, Failed, ReasonInvalidResultRef, fail)
				invalid, stopping = true, true
				continue
			}
		}
		switch {
		case skip != "":
			dc.settle(t, st, Skipped, skip, "")
		case ready:
			dc.start(t, st)
		}
	}
	return invalid
}

// pendingDAG decides one pending DAG task when the run is neither stopping
// nor cancelled: a skip reason, a failure message (a result it needs is
// missing), or ready. None of them means it waits for its parents.
func (dc *decider) pendingDAG(t *plan.Task) (skip, fail string, ready bool) {
	in := dc.in
	parentsDone, parentSkipped := true, false
	for _, p := range t.After {
		ps := in.tasks[p]
		if ps == nil {
			continue
		}
		if !ps.phase.Final() {
			parentsDone = false
		}
		if ps.phase == Skipped && ps.reason != SkipWhen {
			parentSkipped = true
		}
	}
	// Tekton looks at a task's own when expressions before its parents'
	// skips; pipec evaluates them only over values that exist.
	if parentsDone && len(t.When) > 0 {
		ok, missing, err := evalWhen(t.When, dc.get)
		if err != nil {
			return "", err.Error(), false
		}
		if len(missing) == 0 && !ok {
			return SkipWhen, "", false
		}
	}
	if parentSkipped {
		return SkipParent, "", false
	}
	if !parentsDone {
		return "", "", false
	}
	if missing := dc.missingKeys(t); len(missing) > 0 {
		if t.OnError == "continue" {
			return SkipMissingResults, "", false
		}
		for _, key := range missing {
			if ps := in.tasks[resultProducer(key)]; ps != nil && ps.phase == Skipped {
				return SkipMissingResults, "", false
			}
		}
		return "", dc.missingMessage(t, missing), false
	}
	switch {
	case dc.pipelineOver:
		return SkipPipelineTimeout, "", false
	case dc.tasksOver:
		return SkipTasksTimeout, "", false
	}
	return "", "", true
}

// missingKeys lists the run-time values a task needs (for its pods or its
// when expressions) that do not exist and will not.
func (dc *decider) missingKeys(t *plan.Task) []string {
	var missing []string
	for _, key := range append(slices.Clip(t.Needs), whenKeys(t.When)...) {
		if _, ok := dc.get(key); !ok && !slices.Contains(missing, key) {
			missing = append(missing, key)
		}
	}
	return missing
}

// missingMessage says why a task cannot start, in Tekton's words.
func (dc *decider) missingMessage(t *plan.Task, missing []string) string {
	var parts []string
	for _, key := range missing {
		prod := resultProducer(key)
		result := strings.TrimPrefix(key, "tasks."+prod+".results.")
		switch st := dc.in.tasks[prod]; {
		case st != nil && st.phase == Succeeded:
			parts = append(parts, fmt.Sprintf("task %q completed successfully but did not emit the result %q, which is referenced by task %q", prod, result, t.Name))
		case st != nil:
			parts = append(parts, fmt.Sprintf("task %q (%s) did not emit the result %q, which is referenced by task %q", prod, st.phase, result, t.Name))
		default:
			parts = append(parts, fmt.Sprintf("no value for %q, which is referenced by task %q", key, t.Name))
		}
	}
	return strings.Join(parts, "; ")
}

// scheduleFinally decides the pending finally tasks once the DAG is done.
func (dc *decider) scheduleFinally() {
	in := dc.in
	for i := range in.plan.Finally {
		t := &in.plan.Finally[i]
		st := in.tasks[t.Name]
		if st.phase != Pending {
			continue
		}
		skip := ""
		switch {
		case in.cancel == CancelWithFinally:
			skip = SkipCancelled
		case len(dc.missingKeys(t)) > 0:
			skip = SkipMissingResults
		default:
			ok, _, err := evalWhen(t.When, dc.get)
			switch {
			case err != nil || !ok:
				skip = SkipWhen
			case dc.pipelineOver:
				skip = SkipPipelineTimeout
			case dc.finallyOver:
				skip = SkipFinallyTimeout
			}
		}
		if skip != "" {
			dc.settle(t, st, Skipped, skip, "")
			continue
		}
		dc.start(t, st)
	}
}

// settle ends a task that never started.
func (dc *decider) settle(t *plan.Task, st *taskState, phase Phase, reason, msg string) {
	st.phase, st.reason, st.message = phase, reason, msg
	if !st.exists {
		// Its Job will appear; decide again then. Meanwhile the task
		// counts as decided, for the rest of this pass.
		dc.d.waiting = append(dc.d.waiting, t.Job)
		return
	}
	st.finished, st.recorded = dc.in.now, true
	dc.d.jobs = append(dc.d.jobs, jobWrite{task: t.Name, kind: writeSkip, rec: recordOf(st)})
}

// start unsuspends a task's Job.
func (dc *decider) start(t *plan.Task, st *taskState) {
	if !st.exists {
		dc.d.waiting = append(dc.d.waiting, t.Job)
		return
	}
	st.phase, st.started = Running, dc.in.now
	dc.d.jobs = append(dc.d.jobs, jobWrite{task: t.Name, kind: writeStart, rec: Record{State: string(Running), Started: dc.in.now}})
}

// topoOrder orders a plan's DAG tasks parents first, keeping the plan's
// order among tasks that are ready together.
func topoOrder(p *plan.Plan) ([]*plan.Task, error) {
	index := map[string]int{}
	for i := range p.Tasks {
		index[p.Tasks[i].Name] = i
	}
	children := make([][]int, len(p.Tasks))
	waiting := make([]int, len(p.Tasks))
	for i := range p.Tasks {
		for _, a := range p.Tasks[i].After {
			j, ok := index[a]
			if !ok {
				return nil, fmt.Errorf("task %q runs after %q, which is not a DAG task", p.Tasks[i].Name, a)
			}
			children[j] = append(children[j], i)
			waiting[i]++
		}
	}
	var ready []int
	for i, w := range waiting {
		if w == 0 {
			ready = append(ready, i)
		}
	}
	var out []*plan.Task
	for len(ready) > 0 {
		slices.Sort(ready)
		i := ready[0]
		ready = ready[1:]
		out = append(out, &p.Tasks[i])
		for _, c := range children[i] {
			if waiting[c]--; waiting[c] == 0 {
				ready = append(ready, c)
			}
		}
	}
	if len(out) != len(p.Tasks) {
		return nil, fmt.Errorf("the tasks' dependencies form a cycle")
	}
	return out, nil
}
