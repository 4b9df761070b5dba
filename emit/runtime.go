package emit

import (
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/pipec-dev/pipec/plan"
	"github.com/pipec-dev/pipec/ref"
)

// A run-time value reaches a step as an environment variable PIPEC.KEY
// that the step wrapper substitutes for $(KEY). Most come from the run's
// results ConfigMap, written by the coordinator; a few the pod knows about
// itself and reads through the downward API.
const (
	keyTaskRunUID    = "context.taskRun.uid"
	keyRetryCount    = "context.task.retry-count"
	keyPipelineRunID = "context.pipelineRun.uid"

	// envMatrix holds a matrixed task's combinations as a JSON array of
	// objects (param name to value); the wrapper gives $(params.NAME) the
	// value of the combination at the pod's JOB_COMPLETION_INDEX.
	envMatrix = "PIPEC_MATRIX"
)

// fieldPaths are the downward API fields that hold run-time context: a
// pipeline task's TaskRun is its Job, whose uid the Job controller puts on
// every pod's labels, and a retry's number is the index failure count the
// controller puts on its annotations (backoffLimitPerIndex is always set).
var fieldPaths = map[string]string{
	keyTaskRunUID:                   "metadata.labels['batch.kubernetes.io/controller-uid']",
	keyRetryCount:                   "metadata.annotations['batch.kubernetes.io/job-index-failure-count']",
	"context.taskRun.namespace":     "metadata.namespace",
	"context.pipelineRun.namespace": "metadata.namespace",
}

// runTimeRef says what a reference left after compile-time substitution
// needs at run time.
type runTimeRef struct {
	key    string // the value key, for an environment variable; "" if none
	matrix bool   // a matrix param, given per index
	file   bool   // read by the wrapper from /tekton/steps (a step result)
}

// classify returns what a reference needs at run time, or false when it is
// not a run-time value (an unknown reference, left as Tekton leaves it).
func (tc *taskCompiler) classify(r ref.Ref) (runTimeRef, bool) {
	names := r.Names()
	switch names[0] {
	case "tasks":
		switch {
		case len(names) >= 4 && names[2] == "results":
			return runTimeRef{key: plan.ResultKey(names[1], names[3])}, true
		case len(names) == 3 && names[2] == "status":
			return runTimeRef{key: plan.StatusKey(names[1])}, true
		case len(names) == 3 && names[2] == "reason":
			return runTimeRef{key: plan.ReasonKey(names[1])}, true
		case len(names) == 2 && names[1] == "status":
			return runTimeRef{key: plan.AggregateStatusKey}, true
		}
	case "context":
		key := strings.Join(names, ".")
		if len(names) > 1 && names[1] == "pipelineRun" && tc.in.run.resultsConfigMap == "" {
			// A TaskRun has no PipelineRun: Tekton leaves these as written.
			return runTimeRef{}, false
		}
		if _, ok := fieldPaths[key]; ok || key == keyPipelineRunID {
			return runTimeRef{key: key}, true
		}
	case "params":
		if tc.in.matrix != nil && len(names) == 2 && tc.in.matrix.names[names[1]] {
			return runTimeRef{matrix: true}, true
		}
	case "steps":
		if len(names) >= 4 && names[2] == "results" {
			return runTimeRef{file: true}, true
		}
	}
	return runTimeRef{}, false
}

// envFor returns the environment variable that carries key into a step.
func (tc *taskCompiler) envFor(key string) corev1.EnvVar {
	if fp, ok := fieldPaths[key]; ok {
		return corev1.EnvVar{Name: plan.EnvPrefix + key, ValueFrom: &corev1.EnvVarSource{
			FieldRef: &corev1.ObjectFieldSelector{FieldPath: fp}}}
	}
	return corev1.EnvVar{Name: plan.EnvPrefix + key, ValueFrom: &corev1.EnvVarSource{
		ConfigMapKeyRef: &corev1.ConfigMapKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: tc.in.run.resultsConfigMap},
			Key:                  key,
		}}}
}

// escapeKubelet protects text from the kubelet, which expands $(VAR) in a
// container's command and args and turns $$ into $: each $ that starts
// either is doubled, so that the wrapper receives the text as written.
// Tekton protects scripts the same way (it never passes them as arguments);
// a step's own command and args are not escaped, since Tekton's are not.
func escapeKubelet(s string) string {
	if !strings.Contains(s, "$") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		b.WriteByte(s[i])
		if s[i] == '$' && i+1 < len(s) && (s[i+1] == '$' || s[i+1] == '(') {
			b.WriteByte('$')
		}
	}
	return b.String()
}
