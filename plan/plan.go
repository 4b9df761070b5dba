// Package plan defines the contract between the compiler and the runtime:
// the plan of one run, which `pipec compile` writes into the ConfigMap
// "<run>-plan" and `pipec coordinate` reads back, and the names and keys
// both sides agree on. It is JSON, versioned by APIVersion.
package plan

import (
	"encoding/json"
	"fmt"
	"time"
)

// APIVersion identifies this format. A coordinator refuses a plan whose
// version it does not know rather than guess.
const APIVersion = "pipec.dev/plan/v1"

// Keys and labels shared by the compiler and the coordinator.
const (
	// PlanKey is the key of the plan JSON in the plan ConfigMap.
	PlanKey = "plan.json"

	LabelRun       = "pipec.dev/run"
	LabelTask      = "pipec.dev/task"
	LabelManagedBy = "app.kubernetes.io/managed-by"
	ManagedBy      = "pipec"

	// EnvPrefix starts the name of every environment variable through which a
	// step receives a run-time value: "PIPEC." + a value key, filled from the
	// results ConfigMap by configMapKeyRef.
	EnvPrefix = "PIPEC."
)

// Value keys name the run-time values kept in the results ConfigMap. They are
// the reference text without "$(" and ")", so a reader can map one to the
// other at a glance:
//
//	tasks.<task>.results.<result>   a task result (JSON text for array/object)
//	tasks.<task>.status             Succeeded | Failed | None (finally only)
//	tasks.<task>.reason             the reason behind that status
//	tasks.status                    Succeeded | Failed | Completed | None
//	context.pipelineRun.uid         written by the coordinator at start
func ResultKey(task, result string) string { return "tasks." + task + ".results." + result }

// StatusKey is the value key of a task's execution status.
func StatusKey(task string) string { return "tasks." + task + ".status" }

// ReasonKey is the value key of a task's execution reason.
func ReasonKey(task string) string { return "tasks." + task + ".reason" }

// AggregateStatusKey is the value key of $(tasks.status).
const AggregateStatusKey = "tasks.status"

// Plan is everything the coordinator needs to run one PipelineRun (or a
// TaskRun that needs coordinating) whose Jobs already exist.
type Plan struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"` // PipelineRun or TaskRun
	Run        string `json:"run"`  // the run's name
	Pipeline   string `json:"pipeline,omitempty"`

	// Objects the coordinator works on, by name, in the run's namespace.
	ResultsConfigMap string `json:"resultsConfigMap"`
	CoordinatorJob   string `json:"coordinatorJob"`

	Timeouts Timeouts `json:"timeouts,omitzero"`
	Tasks    []Task   `json:"tasks"`
	Finally  []Task   `json:"finally,omitempty"`
	// Results are the pipeline's results: their values are strings in which
	// $(tasks.T.results.R) references are replaced when the run ends.
	Results []PipelineResult `json:"results,omitempty"`
}

// Timeouts bound the whole run, its DAG tasks and its finally tasks; a nil
// Duration means no limit.
type Timeouts struct {
	Pipeline *Duration `json:"pipeline,omitempty"`
	Tasks    *Duration `json:"tasks,omitempty"`
	Finally  *Duration `json:"finally,omitempty"`
}

// Task is one pipeline task, compiled to one Job.
type Task struct {
	Name string `json:"name"`
	Job  string `json:"job"`
	// After lists every task that must succeed first: runAfter, result
	// references and PipelineResource "from", sorted by name.
	After []string `json:"after,omitempty"`
	// When guards the task; all must hold. Inputs and values may hold
	// $(…) references to run-time values, substituted before evaluation.
	When []When `json:"when,omitempty"`
	// Needs lists the value keys the task's pods read from the results
	// ConfigMap. The coordinator writes them all before it unsuspends the Job;
	// if one cannot be had (a result was never written) the task is skipped.
	Needs []string `json:"needs,omitempty"`
	// Results are the results the Task declares.
	Results []ResultSpec `json:"results,omitempty"`
	// Matrix is the number of combinations of a matrixed task (the Job's
	// completions); 0 for a task without a matrix.
	Matrix  int       `json:"matrix,omitempty"`
	Retries int       `json:"retries,omitempty"`
	Timeout *Duration `json:"timeout,omitempty"`
	// OnError is the pipeline task's onError: "" (stopAndFail) or "continue".
	OnError string `json:"onError,omitempty"`
}

// When is one when expression.
type When struct {
	Input    string   `json:"input"`
	Operator string   `json:"operator"` // in | notin
	Values   []string `json:"values"`
}

// ResultSpec declares a task result.
type ResultSpec struct {
	Name string `json:"name"`
	Type string `json:"type,omitempty"` // string (default), array, object
}

// PipelineResult is one result of the pipeline.
type PipelineResult struct {
	Name  string `json:"name"`
	Type  string `json:"type,omitempty"`
	Value any    `json:"value"` // string, []string or map[string]string, with references
}

// Duration is a time.Duration written as Go writes it ("1h0m0s").
type Duration struct{ time.Duration }

func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	d.Duration = v
	return nil
}

// Parse decodes and checks a plan.
func Parse(b []byte) (*Plan, error) {
	var p Plan
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	if p.APIVersion != APIVersion {
		return nil, fmt.Errorf("plan: apiVersion %q is not %q; use a pipec of the version that compiled it", p.APIVersion, APIVersion)
	}
	names := map[string]bool{}
	for _, t := range append(append([]Task(nil), p.Tasks...), p.Finally...) {
		if names[t.Name] {
			return nil, fmt.Errorf("plan: task %q appears twice", t.Name)
		}
		names[t.Name] = true
	}
	for _, t := range p.Tasks {
		for _, a := range t.After {
			if !names[a] {
				return nil, fmt.Errorf("plan: task %q runs after unknown task %q", t.Name, a)
			}
		}
	}
	return &p, nil
}

// Marshal encodes a plan deterministically, indented for people reading the
// ConfigMap.
func (p *Plan) Marshal() ([]byte, error) {
	return json.MarshalIndent(p, "", "  ")
}
