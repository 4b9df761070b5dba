package plan

import (
	"encoding/json"
	"fmt"
)

// Values in the results ConfigMap are text: a string result as it is, an
// array or object result as its JSON. The functions below read the parts a
// reference selects, the same way for the coordinator (when expressions,
// pipeline results) and the step wrapper (scripts, arguments).

// ArrayOf reads a value as a JSON array. Tekton's arrays hold strings; any
// other element is kept as its JSON text rather than refused.
func ArrayOf(value string) ([]string, error) {
	var raw []json.RawMessage
	if err := json.Unmarshal([]byte(value), &raw); err != nil || raw == nil {
		return nil, fmt.Errorf("value is not a JSON array")
	}
	elems := make([]string, len(raw))
	for i, e := range raw {
		elems[i] = JSONText(e)
	}
	return elems, nil
}

// FieldOf selects one key of a JSON object value.
func FieldOf(value, field string) (string, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(value), &obj); err != nil || obj == nil {
		return "", fmt.Errorf("value is not a JSON object, cannot select key %q", field)
	}
	v, ok := obj[field]
	if !ok {
		return "", fmt.Errorf("the object has no key %q", field)
	}
	return JSONText(v), nil
}

// JSONText is a JSON string's contents, or the JSON text of anything else.
func JSONText(v json.RawMessage) string {
	var s string
	if err := json.Unmarshal(v, &s); err == nil {
		return s
	}
	return string(v)
}
