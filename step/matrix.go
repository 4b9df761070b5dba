package step

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/pipec-dev/pipec/plan"
)

// Environment variables of a matrixed task's steps.
const (
	// EnvMatrix holds a matrixed task's combinations, compiled as a JSON
	// array of objects from param name to value.
	EnvMatrix = "PIPEC_MATRIX"
	// EnvCompletionIndex is set by the Job controller in every container
	// of an Indexed Job's pod: the pod's combination.
	EnvCompletionIndex = "JOB_COMPLETION_INDEX"
)

// matrixParams takes the pod's combination out of env: it returns the values
// of $(params.NAME) for the combination's params, and env without
// PIPEC_MATRIX, which is pipec's business, not the step's.
func matrixParams(env []string) (map[string]string, []string, error) {
	var combos, index string
	hasMatrix, hasIndex := false, false
	rest := env[:0:0]
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case EnvMatrix:
			combos, hasMatrix = v, true
			continue
		case EnvCompletionIndex:
			index, hasIndex = v, true
		}
		rest = append(rest, kv)
	}
	if !hasMatrix {
		return nil, env, nil
	}
	var all []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(combos), &all); err != nil {
		return nil, nil, fmt.Errorf("%s is not a JSON array of objects: %w", EnvMatrix, err)
	}
	if !hasIndex {
		return nil, nil, fmt.Errorf("%s is set but %s is not: a matrixed task must run as an Indexed Job", EnvMatrix, EnvCompletionIndex)
	}
	i, err := strconv.Atoi(index)
	if err != nil || i < 0 || i >= len(all) {
		return nil, nil, fmt.Errorf("%s=%q does not name one of the %d combinations of the matrix", EnvCompletionIndex, index, len(all))
	}
	params := make(map[string]string, len(all[i]))
	for name, raw := range all[i] {
		params["params."+name] = plan.JSONText(raw)
	}
	return params, rest, nil
}
