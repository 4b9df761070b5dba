package coordinator

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/pipec-dev/pipec/plan"
	"github.com/pipec-dev/pipec/ref"
)

// Tekton's execution statuses, the values of $(tasks.T.status) and
// $(tasks.status).
const (
	statusSucceeded = "Succeeded"
	statusFailed    = "Failed"
	statusCompleted = "Completed"
	statusNone      = "None"
)

// MsgCancelledByFinallyTimeout is pipec's message for a finally task
// stopped by timeouts.finally; Tekton reuses MsgCancelledByTimeout, but the
// run's outcome tells the two apart.
const MsgCancelledByFinallyTimeout = "TaskRun cancelled as the PipelineRun's finally timeout has been reached."

// executionStatus is a DAG task's $(tasks.T.status): Succeeded, Failed, or
// None for a task that did not run (skipped, or failed before it started
// because a result it needed was missing).
func executionStatus(st *taskState) string {
	switch {
	case st.phase == Succeeded:
		return statusSucceeded
	case st.phase == Failed && st.reason != ReasonInvalidResultRef:
		return statusFailed
	}
	return statusNone
}

// statusValues are the values finally tasks may read: $(tasks.T.status)
// and $(tasks.T.reason) of every DAG task and $(tasks.status), as Tekton
// computes them once the DAG is done.
func statusValues(p *plan.Plan, tasks map[string]*taskState) map[string]string {
	m := map[string]string{}
	aggregate := statusSucceeded
	for i := range p.Tasks {
		t := &p.Tasks[i]
		st := tasks[t.Name]
		s := executionStatus(st)
		m[plan.StatusKey(t.Name)] = s
		reason := ""
		if s != statusNone {
			reason = st.reason
		}
		m[plan.ReasonKey(t.Name)] = reason
		switch {
		case st.phase == Failed:
			aggregate = statusFailed
		case st.phase == Skipped && aggregate != statusFailed:
			aggregate = statusCompleted
		}
	}
	m[plan.AggregateStatusKey] = aggregate
	return m
}

// counts are the tallies behind a run's outcome, as Tekton keeps them.
type counts struct {
	succeeded, failed, cancelled, ignored, invalid, skipped, skippedByTimeout int
	timedOut                                                                  bool
}

func countTasks(p *plan.Plan, tasks map[string]*taskState) counts {
	var c counts
	for _, t := range allTasks(p) {
		st := tasks[t.Name]
		switch {
		case st.phase == Succeeded:
			c.succeeded++
		case st.phase == Failed && st.reason == ReasonCancelled && st.message == MsgCancelledByTimeout:
			c.failed++
			c.timedOut = true
		case st.phase == Failed && st.reason == ReasonCancelled && st.message == MsgCancelledByFinallyTimeout:
			c.failed++
		case st.phase == Failed && st.reason == ReasonCancelled:
			c.cancelled++
		case st.phase == Failed && st.reason == ReasonInvalidResultRef:
			c.invalid++
		case st.phase == Failed && t.OnError == "continue":
			c.ignored++
		case st.phase == Failed:
			c.failed++
		case st.phase == Skipped:
			c.skipped++
			switch st.reason {
			case SkipPipelineTimeout, SkipTasksTimeout:
				c.skippedByTimeout++
				c.timedOut = true
			case SkipFinallyTimeout:
				c.skippedByTimeout++
			}
		}
	}
	return c
}

// outcome is the run's record once every task is done, as Tekton's
// PipelineRun condition: a run that timed out (its tasks stopped or skipped
// by timeouts.pipeline or timeouts.tasks) fails with PipelineRunTimeout,
// then a hard cancel, a task whose input was missing, failures, and
// cancellation decide, in that order. Completed is a success with skipped
// tasks.
func outcome(p *plan.Plan, tasks map[string]*taskState, cancel string, get lookup) RunRecord {
	c := countTasks(p, tasks)
	completed := c.succeeded + c.failed + c.cancelled + c.ignored
	msg := fmt.Sprintf("Tasks Completed: %d (Failed: %d, Cancelled %d), Skipped: %d", completed, c.failed+c.ignored, c.cancelled, c.skipped)
	r := RunRecord{}
	switch {
	case c.timedOut:
		r.State, r.Reason = string(RunFailed), "PipelineRunTimeout"
		msg = fmt.Sprintf("PipelineRun %q failed to finish within its timeout; %s", p.Run, msg)
	case cancel == CancelWithFinally:
		r.State, r.Reason = string(RunCancelled), "Cancelled"
		msg = fmt.Sprintf("PipelineRun %q was cancelled", p.Run)
	case c.invalid > 0:
		r.State, r.Reason = string(RunFailed), "PipelineValidationFailed"
		msg += fmt.Sprintf(", Failed Validation: %d", c.invalid)
	case c.failed > 0 || c.skippedByTimeout > 0:
		r.State, r.Reason = string(RunFailed), "Failed"
	case cancel != "":
		r.State, r.Reason = string(RunCancelled), "Cancelled"
		msg = fmt.Sprintf("PipelineRun %q was cancelled", p.Run)
	case c.cancelled > 0:
		r.State, r.Reason = string(RunCancelled), "Cancelled"
	case c.skipped > 0:
		r.State, r.Reason = string(RunSucceeded), "Completed"
	default:
		r.State, r.Reason = string(RunSucceeded), "Succeeded"
	}
	r.Message = msg
	results, err := pipelineResults(p, tasks, get)
	r.Results = results
	if err != nil {
		r.State, r.Reason = string(RunFailed), "CouldntGetPipelineResult"
		r.Message = fmt.Sprintf("Failed to get PipelineResult from TaskRun Results for PipelineRun %s: %v", p.Run, err)
	}
	return r
}

// pipelineResults computes the pipeline's results from the task results.
// As in Tekton, a result that refers to a missing result of a task that did
// not succeed is left out; one that refers to a result a succeeded task did
// not produce is an error.
func pipelineResults(p *plan.Plan, tasks map[string]*taskState, get lookup) (map[string]any, error) {
	out := map[string]any{}
	var invalid []string
	for _, pr := range p.Results {
		v, missing, err := resultValue(pr.Value, get)
		if err == nil && len(missing) == 0 {
			out[pr.Name] = v
			continue
		}
		bad := err != nil
		for _, key := range missing {
			prod := resultProducer(key)
			if st := tasks[prod]; st == nil || st.phase == Succeeded {
				bad = true
			}
		}
		if bad {
			invalid = append(invalid, pr.Name)
		}
	}
	if len(invalid) > 0 {
		sort.Strings(invalid)
		return out, fmt.Errorf("invalid pipelineresults %v, the referenced results don't exist", invalid)
	}
	return out, nil
}

// resultValue substitutes into a pipeline result's value: a string (which,
// when it is exactly one $(…[*]), becomes the array or object it names),
// an array of strings or an object of strings.
func resultValue(v any, get lookup) (any, []string, error) {
	switch v := v.(type) {
	case string:
		if refs := ref.Find(v); len(refs) == 1 && refs[0].Star && refs[0].IsWhole(v) {
			res, miss, err := resolveRef(refs[0], get)
			if err != nil || miss != "" {
				return nil, nonEmpty(miss), err
			}
			if res.key != "" {
				var whole any
				if err := json.Unmarshal([]byte(res.value), &whole); err != nil {
					return nil, nil, fmt.Errorf("%s: value is not JSON", v)
				}
				return whole, nil, nil
			}
		}
		s, miss, err := substitute(v, get)
		return s, miss, err
	case []any:
		var strs []string
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, nil, fmt.Errorf("array element %v is not a string", e)
			}
			strs = append(strs, s)
		}
		out, miss, err := expandList(strs, get)
		if out == nil {
			out = []string{}
		}
		return out, miss, err
	case map[string]any:
		out := map[string]string{}
		var missing []string
		for k, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, nil, fmt.Errorf("object value %v is not a string", e)
			}
			val, miss, err := substitute(s, get)
			if err != nil {
				return nil, nil, err
			}
			missing = append(missing, miss...)
			out[k] = val
		}
		return out, missing, nil
	case nil:
		return "", nil, nil
	}
	return nil, nil, fmt.Errorf("result value of type %T", v)
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// allTasks is the DAG tasks then the finally tasks.
func allTasks(p *plan.Plan) []*plan.Task {
	out := make([]*plan.Task, 0, len(p.Tasks)+len(p.Finally))
	for i := range p.Tasks {
		out = append(out, &p.Tasks[i])
	}
	for i := range p.Finally {
		out = append(out, &p.Finally[i])
	}
	return out
}
