package coordinator

import (
	"encoding/json"
	"time"
)

// Annotations through which the coordinator records what happened, on each
// task's Job and on the coordinator's own Job (docs/design.md, "Status
// record"). They are the run's status: `pipec runs describe` reads them, and
// a restarted coordinator trusts them over what it could derive again.
const (
	// AnnotationState is a Phase on a task Job, a RunState on the
	// coordinator Job.
	AnnotationState = "pipec.dev/state"
	// AnnotationReason is Tekton's reason for the state: a TaskRun reason
	// (Succeeded, Failed, TaskRunTimeout, TaskRunCancelled, FailureIgnored,
	// InvalidTaskResultReference), a skipping reason ("When Expressions
	// evaluated to false", …) or a PipelineRun reason.
	AnnotationReason = "pipec.dev/reason"
	// AnnotationMessage says more, for people.
	AnnotationMessage = "pipec.dev/message"
	// AnnotationStarted and AnnotationFinished are RFC 3339 times with
	// milliseconds.
	AnnotationStarted  = "pipec.dev/started"
	AnnotationFinished = "pipec.dev/finished"
	// AnnotationResults holds the pipeline's results as a JSON object, on
	// the coordinator Job once the run has finished.
	AnnotationResults = "pipec.dev/results"
	// AnnotationCancel, set by a person (or `pipec runs cancel`) on the
	// coordinator Job or the plan ConfigMap, cancels the run. Its value is
	// one of Tekton's PipelineRun spec.status values: CancelledRunFinally
	// (the default for any other value), StoppedRunFinally or Cancelled.
	AnnotationCancel = "pipec.dev/cancel"
)

// Phase is a task's state.
type Phase string

// The phases of a task. Pending and Running are written only as Running
// (with the unsuspend); the others are final.
const (
	Pending   Phase = "Pending"
	Running   Phase = "Running"
	Succeeded Phase = "Succeeded"
	Failed    Phase = "Failed"
	Skipped   Phase = "Skipped"
)

// Final reports whether a task in phase p will not change any more.
func (p Phase) Final() bool { return p == Succeeded || p == Failed || p == Skipped }

// RunState is the state of a whole run.
type RunState string

// The states of a run. A run without a recorded state is running.
const (
	RunRunning   RunState = "Running"
	RunSucceeded RunState = "Succeeded"
	RunFailed    RunState = "Failed"
	RunCancelled RunState = "Cancelled"
)

// Cancel modes, the values of AnnotationCancel, named as Tekton's
// PipelineRun spec.status.
const (
	CancelRunFinally  = "CancelledRunFinally"
	StopRunFinally    = "StoppedRunFinally"
	CancelWithFinally = "Cancelled" // stop everything, finally included
)

// Reasons the coordinator gives that Tekton gives too, with Tekton's text.
const (
	ReasonSucceeded      = "Succeeded"
	ReasonFailed         = "Failed"
	ReasonFailureIgnored = "FailureIgnored"
	ReasonTimedOut       = "TaskRunTimeout"
	ReasonCancelled      = "TaskRunCancelled"
	ReasonPodEvicted     = "PodEvicted"
	// ReasonInvalidResultRef fails a task whose input is a result its
	// producer finished without.
	ReasonInvalidResultRef = "InvalidTaskResultReference"

	SkipWhen              = "When Expressions evaluated to false"
	SkipParent            = "Parent Tasks were skipped"
	SkipStopping          = "PipelineRun was stopping"
	SkipGracefullyCancel  = "PipelineRun was gracefully cancelled"
	SkipGracefullyStopped = "PipelineRun was gracefully stopped"
	SkipMissingResults    = "Results were missing"
	SkipPipelineTimeout   = "PipelineRun timeout has been reached"
	SkipTasksTimeout      = "PipelineRun Tasks timeout has been reached"
	SkipFinallyTimeout    = "PipelineRun Finally timeout has been reached"
	// SkipCancelled is pipec's: Tekton does not list the tasks a hard
	// cancel never started.
	SkipCancelled = "PipelineRun was cancelled"

	// MsgCancelledByRun and MsgCancelledByTimeout are Tekton's messages for
	// a TaskRun its PipelineRun cancelled; the second counts as a failure.
	MsgCancelledByRun     = "TaskRun cancelled as the PipelineRun it belongs to has been cancelled."
	MsgCancelledByTimeout = "TaskRun cancelled as the PipelineRun it belongs to has timed out."
)

// timeLayout is how recorded times are written: RFC 3339, UTC, with
// milliseconds, so that durations of short tasks mean something.
const timeLayout = "2006-01-02T15:04:05.000Z07:00"

// FormatTime writes t as recorded; "" for the zero time.
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

// ParseTime reads a recorded time; the zero time when s is empty or not a
// time.
func ParseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// Record is what the annotations of one Job say.
type Record struct {
	State    string
	Reason   string
	Message  string
	Started  time.Time
	Finished time.Time
}

// ReadRecord reads the record in a Job's annotations.
func ReadRecord(ann map[string]string) Record {
	return Record{
		State:    ann[AnnotationState],
		Reason:   ann[AnnotationReason],
		Message:  ann[AnnotationMessage],
		Started:  ParseTime(ann[AnnotationStarted]),
		Finished: ParseTime(ann[AnnotationFinished]),
	}
}

// annotations is r as the annotations to merge into a Job; empty fields
// are left out (a merge patch keeps what is there).
func (r Record) annotations() map[string]string {
	m := map[string]string{AnnotationState: r.State}
	if r.Reason != "" {
		m[AnnotationReason] = r.Reason
	}
	if r.Message != "" {
		m[AnnotationMessage] = r.Message
	}
	if s := FormatTime(r.Started); s != "" {
		m[AnnotationStarted] = s
	}
	if s := FormatTime(r.Finished); s != "" {
		m[AnnotationFinished] = s
	}
	return m
}

// RunRecord is the run's outcome as recorded on the coordinator Job.
type RunRecord struct {
	Record
	// Results are the pipeline results: strings, arrays of strings or
	// objects of strings.
	Results map[string]any
}

// ReadRunRecord reads the run's record from the coordinator Job's
// annotations. A results annotation that does not parse is left out.
func ReadRunRecord(ann map[string]string) RunRecord {
	r := RunRecord{Record: ReadRecord(ann)}
	if s := ann[AnnotationResults]; s != "" {
		_ = json.Unmarshal([]byte(s), &r.Results)
	}
	return r
}

func (r RunRecord) annotations() (map[string]string, error) {
	m := r.Record.annotations()
	b, err := json.Marshal(r.Results)
	if err != nil {
		return nil, err
	}
	if r.Results == nil {
		b = []byte("{}")
	}
	m[AnnotationResults] = string(b)
	return m, nil
}

// Final reports whether the run has finished.
func (r RunRecord) Final() bool {
	switch RunState(r.State) {
	case RunSucceeded, RunFailed, RunCancelled:
		return true
	}
	return false
}
