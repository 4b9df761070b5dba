package coordinator

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/pipec-dev/pipec/plan"
)

// attemptGrace is how long after a task's timeout the coordinator stops an
// attempt that is still running. The kubelet enforces the timeout first
// (the compiler sets the pod's activeDeadlineSeconds), and the Job retries
// what it ends; the coordinator's deadline only catches attempts the
// kubelet never started (an unschedulable pod, say) or a kubelet that is
// late, and it ends the task.
const attemptGrace = 5 * time.Second

// taskState is one task as the coordinator sees it in one reconcile: what
// its Job's record says, else what its pods say.
type taskState struct {
	phase    Phase
	reason   string
	message  string
	started  time.Time
	finished time.Time
	// recorded reports that the Job's annotations already hold phase (a
	// final one), so there is nothing to write.
	recorded bool
	// exists reports that the task's Job exists.
	exists bool
	// results are the values the task's pods reported, by result name; a
	// matrixed task's are JSON arrays, one element per combination that
	// reported the result, in combination order.
	results map[string]string
	// deadline is when the running attempt overruns the task's timeout
	// (plus attemptGrace); zero without one.
	deadline time.Time
}

// Index annotations the Job controller puts on the pods of an Indexed Job.
const (
	annCompletionIndex = "batch.kubernetes.io/job-completion-index"
	annIndexFailures   = "batch.kubernetes.io/job-index-failure-count"
)

// indexState is one completion index of a task's Job (the only one, for a
// task without a matrix).
type indexState struct {
	succeeded bool
	failed    bool // finally: no retry is left
	outcome   podOutcome
	// from is the pod whose outcome speaks for the index.
	from   *corev1.Pod
	hasPod bool
	// active is the attempt still running, if any.
	active *corev1.Pod
}

// observeTask derives a task's state from its Job (nil when it does not
// exist yet) and the Job's pods. It is pure: the same objects give the same
// state, whichever coordinator looks and whenever.
func observeTask(t *plan.Task, job *batchv1.Job, pods []*corev1.Pod) taskState {
	if job == nil {
		return taskState{phase: Pending}
	}
	rec := ReadRecord(job.Annotations)
	st := taskState{exists: true, started: rec.Started}
	indexes := observeIndexes(t, job, pods)
	st.results = aggregateResults(t, indexes)

	if p := Phase(rec.State); p.Final() {
		st.phase, st.reason, st.message, st.finished, st.recorded = p, rec.Reason, rec.Message, rec.Finished, true
		return st
	}
	if suspended(job) && rec.State == "" {
		st.phase = Pending
		return st
	}
	// Unsuspended: by this coordinator (which wrote Running and the start
	// time in the same patch) or by someone else. A Job someone suspended
	// again after we started it stays Running: resuming it is theirs to do.
	st.phase = Running
	if st.started.IsZero() {
		if job.Status.StartTime != nil {
			st.started = job.Status.StartTime.Time
		} else {
			st.started = job.CreationTimestamp.Time
		}
	}
	done, failedAt := true, -1
	for i, ix := range indexes {
		if f := ix.outcome.finished; f.After(st.finished) {
			st.finished = f
		}
		switch {
		case ix.succeeded:
		case ix.failed:
			if failedAt < 0 {
				failedAt = i
			}
		default:
			done = false
		}
	}
	if !done {
		st.finished = time.Time{}
		st.deadline = attemptDeadline(t, st.started, indexes)
		return st
	}
	if failedAt < 0 {
		st.phase, st.reason = Succeeded, ReasonSucceeded
		st.message = indexes[0].outcome.message // a termination message that did not parse
		return st
	}
	out := indexes[failedAt].outcome
	st.phase, st.reason, st.message = Failed, out.reason, out.message
	if st.reason == "" {
		st.reason = ReasonFailed
	}
	if t.OnError == "continue" && st.reason == ReasonFailed {
		st.reason = ReasonFailureIgnored
	}
	if len(indexes) > 1 {
		st.message = fmt.Sprintf("combination %d: %s", failedAt, st.message)
	}
	return st
}

// suspended reports whether a Job is suspended.
func suspended(job *batchv1.Job) bool { return job.Spec.Suspend != nil && *job.Spec.Suspend }

// observeIndexes finds how each completion index of a task's Job stands.
// Pods decide first: a task is done as soon as its pods have ended, not a
// second later when the Job controller has counted them. The Job's status
// (completed and failed indexes, a terminal condition) covers pods that are
// gone.
func observeIndexes(t *plan.Task, job *batchv1.Job, pods []*corev1.Pod) []indexState {
	n := max(t.Matrix, 1)
	indexes := make([]indexState, n)
	failures := make([]int, n)
	for _, p := range pods {
		i := podIndex(p)
		if i < 0 || i >= n {
			continue
		}
		ix := &indexes[i]
		ix.hasPod = true
		switch p.Status.Phase {
		case corev1.PodSucceeded:
			// Only one attempt can succeed; should two, the first counts.
			if !ix.succeeded || laterAttempt(ix.from, p) {
				ix.succeeded, ix.outcome, ix.from = true, outcomeOf(p), p
			}
		case corev1.PodFailed:
			failures[i]++
			if c, err := strconv.Atoi(p.Annotations[annIndexFailures]); err == nil && c+1 > failures[i] {
				failures[i] = c + 1
			}
			// The latest failed attempt speaks for the index.
			if !ix.succeeded && (ix.from == nil || laterAttempt(p, ix.from)) {
				ix.outcome, ix.from = outcomeOf(p), p
			}
		default:
			if p.DeletionTimestamp == nil {
				ix.active = p
			}
		}
	}
	completed := parseIndexes(job.Status.CompletedIndexes)
	failedIx := parseIndexes(deref(job.Status.FailedIndexes))
	complete, jobFailed := jobConditions(job)
	for i := range indexes {
		ix := &indexes[i]
		if ix.succeeded {
			continue
		}
		switch {
		case failures[i] > t.Retries && ix.active == nil:
			ix.failed = true
		case completed[i] || complete:
			ix.succeeded = true
		case failedIx[i] || jobFailed && ix.active == nil:
			ix.failed = true
			if ix.outcome.reason == "" {
				ix.outcome.reason, ix.outcome.message = ReasonFailed, "the Job failed: "+jobFailure(job)
			}
		}
	}
	return indexes
}

// laterAttempt reports whether pod a is a later attempt than b: by the
// failure count the Job controller gave it, then creation, then name, so
// that the choice does not depend on the order the pods are listed in.
func laterAttempt(a, b *corev1.Pod) bool {
	fa, _ := strconv.Atoi(a.Annotations[annIndexFailures])
	fb, _ := strconv.Atoi(b.Annotations[annIndexFailures])
	if fa != fb {
		return fa > fb
	}
	if !a.CreationTimestamp.Equal(&b.CreationTimestamp) {
		return b.CreationTimestamp.Before(&a.CreationTimestamp)
	}
	return a.Name > b.Name
}

// podIndex is a pod's completion index; 0 for a pod without one (a Job
// that is not Indexed), -1 for one that does not parse.
func podIndex(p *corev1.Pod) int {
	s, ok := p.Annotations[annCompletionIndex]
	if !ok {
		return 0
	}
	i, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return i
}

// parseIndexes reads the Job status's index sets, "1,3-5".
func parseIndexes(s string) map[int]bool {
	m := map[int]bool{}
	for part := range strings.SplitSeq(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			continue
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil {
				continue
			}
		}
		for i := a; i <= b && i-a < 1<<16; i++ {
			m[i] = true
		}
	}
	return m
}

func jobConditions(job *batchv1.Job) (complete, failed bool) {
	for _, c := range job.Status.Conditions {
		if c.Status != corev1.ConditionTrue {
			continue
		}
		switch c.Type {
		case batchv1.JobComplete:
			complete = true
		case batchv1.JobFailed:
			failed = true
		}
	}
	return complete, failed
}

func jobFailure(job *batchv1.Job) string {
	for _, c := range job.Status.Conditions {
		if c.Type == batchv1.JobFailed && c.Status == corev1.ConditionTrue {
			return strings.TrimSpace(c.Reason + " " + c.Message)
		}
	}
	return "failed indexes " + deref(job.Status.FailedIndexes)
}

// attemptDeadline is when the running attempts of a task overrun its
// timeout: the earliest start (the kubelet's, else the pod's creation) of
// a running attempt, plus the timeout and attemptGrace. Before the first
// pod exists the task's start counts. Between attempts (the Job's back-off
// before a retry) no attempt runs and no deadline applies.
func attemptDeadline(t *plan.Task, started time.Time, indexes []indexState) time.Time {
	if t.Timeout == nil || t.Timeout.Duration <= 0 {
		return time.Time{}
	}
	var first time.Time
	consider := func(at time.Time) {
		if first.IsZero() || at.Before(first) {
			first = at
		}
	}
	for _, ix := range indexes {
		switch {
		case ix.active != nil && ix.active.Status.StartTime != nil:
			consider(ix.active.Status.StartTime.Time)
		case ix.active != nil:
			consider(ix.active.CreationTimestamp.Time)
		case !ix.hasPod && !ix.succeeded && !ix.failed:
			consider(started)
		}
	}
	if first.IsZero() {
		return first
	}
	return first.Add(t.Timeout.Duration + attemptGrace)
}

// aggregateResults collects the results the pods reported: those of the one
// index of a plain task; for a matrix, per result name, a JSON array of the
// values of the combinations that reported it, in combination order.
// (Tekton orders them by TaskRun name, which differs from combination order
// from the eleventh combination on.)
func aggregateResults(t *plan.Task, indexes []indexState) map[string]string {
	if t.Matrix == 0 {
		return indexes[0].outcome.results
	}
	var names []string
	for _, r := range t.Results {
		names = append(names, r.Name)
	}
	for _, ix := range indexes {
		for name := range ix.outcome.results {
			if !slices.Contains(names, name) {
				names = append(names, name)
			}
		}
	}
	out := map[string]string{}
	for _, name := range names {
		var vals []string
		for _, ix := range indexes {
			if v, ok := ix.outcome.results[name]; ok {
				vals = append(vals, v)
			}
		}
		if vals == nil {
			continue
		}
		b, err := json.Marshal(vals)
		if err != nil {
			continue // strings always marshal
		}
		out[name] = string(b)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
