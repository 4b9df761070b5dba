package coordinator

import (
	"fmt"
	"strings"

	"github.com/pipec-dev/pipec/plan"
	"github.com/pipec-dev/pipec/ref"
)

// keyPipelineRunUID is the value key of $(context.pipelineRun.uid), which
// the coordinator writes before it starts any task.
const keyPipelineRunUID = "context.pipelineRun.uid"

// lookup returns the run-time value of a value key, and whether it has one.
type lookup func(key string) (string, bool)

// runTimeKey reports whether key names a value the coordinator provides:
// one that is missing is a missing result, not an unknown reference left
// as it is.
func runTimeKey(key string) bool {
	return strings.HasPrefix(key, "tasks.") || strings.HasPrefix(key, "finally.") || key == keyPipelineRunUID
}

// resultProducer returns the task whose result a value key names, for
// tasks.T.results.R; "" for any other key.
func resultProducer(key string) string {
	rest, ok := strings.CutPrefix(key, "tasks.")
	if !ok {
		return ""
	}
	task, rest, ok := strings.Cut(rest, ".")
	if !ok || !strings.HasPrefix(rest, "results.") {
		return ""
	}
	return task
}

// resolved is a reference's value: the text of the key's value, or of one
// element or field of it.
type resolved struct {
	key   string
	value string
	star  bool // [*]: the whole array or object, spliced where it stands alone
}

// resolveRef finds the value a reference names. The key is the reference's
// names joined by dots ($(finally.T.results.R) reads tasks.T.results.R);
// since result names may contain dots, a key that has no value is tried
// again without its last name, which then selects a field of an object.
// missing is the key a run-time reference names when it has no value.
func resolveRef(r ref.Ref, get lookup) (res resolved, missing string, err error) {
	names := r.Names()
	if names[0] == "finally" {
		names = append([]string{"tasks"}, names[1:]...)
	}
	key := strings.Join(names, ".")
	if v, ok := get(key); ok {
		res = resolved{key: key, value: v}
	} else if len(names) > 2 {
		k := strings.Join(names[:len(names)-1], ".")
		v, ok := get(k)
		if !ok {
			if runTimeKey(key) {
				return resolved{}, resultKeyOf(names), nil
			}
			return resolved{}, "", nil
		}
		field, err := plan.FieldOf(v, names[len(names)-1])
		if err != nil {
			return resolved{}, "", fmt.Errorf("%s: %w", r.String(), err)
		}
		res = resolved{key: k, value: field}
	} else {
		if runTimeKey(key) {
			return resolved{}, key, nil
		}
		return resolved{}, "", nil
	}
	switch {
	case r.Star:
		res.star = true
	case r.Index >= 0:
		elems, err := plan.ArrayOf(res.value)
		if err != nil {
			return resolved{}, "", fmt.Errorf("%s: %w", r.String(), err)
		}
		if r.Index >= len(elems) {
			return resolved{}, "", fmt.Errorf("%s: index %d out of range: the array has %d elements", r.String(), r.Index, len(elems))
		}
		res.value = elems[r.Index]
	}
	return res, "", nil
}

// resultKeyOf is the value key to report missing for a reference's names:
// tasks.T.results.R without a field selection.
func resultKeyOf(names []string) string {
	if len(names) >= 4 && names[0] == "tasks" && names[2] == "results" {
		return plan.ResultKey(names[1], names[3])
	}
	return strings.Join(names, ".")
}

// substitute replaces the references in s that have values. Unknown
// references stay as they are, as in Tekton; run-time keys without a value
// are returned in missing (and stay too). A [*] inside a larger string is
// the value's JSON text.
func substitute(s string, get lookup) (out string, missing []string, err error) {
	refs := ref.Find(s)
	if len(refs) == 0 {
		return s, nil, nil
	}
	var b strings.Builder
	done := 0
	for _, r := range refs {
		res, miss, err := resolveRef(r, get)
		if err != nil {
			return "", nil, err
		}
		if miss != "" {
			missing = append(missing, miss)
		}
		if res.key == "" {
			continue
		}
		b.WriteString(s[done:r.Start])
		b.WriteString(res.value)
		done = r.End
	}
	b.WriteString(s[done:])
	return b.String(), missing, nil
}

// expandList substitutes into a list of strings: an element that is
// exactly one $(…[*]) reference becomes the elements of its array, as in
// Tekton's when values and array results.
func expandList(list []string, get lookup) (out []string, missing []string, err error) {
	for _, s := range list {
		if refs := ref.Find(s); len(refs) == 1 && refs[0].Star && refs[0].IsWhole(s) {
			res, miss, err := resolveRef(refs[0], get)
			if err != nil {
				return nil, nil, err
			}
			if miss != "" {
				missing = append(missing, miss)
				out = append(out, s)
				continue
			}
			if res.key != "" {
				elems, err := plan.ArrayOf(res.value)
				if err != nil {
					return nil, nil, fmt.Errorf("%s: %w", s, err)
				}
				out = append(out, elems...)
				continue
			}
		}
		v, miss, err := substitute(s, get)
		if err != nil {
			return nil, nil, err
		}
		missing = append(missing, miss...)
		out = append(out, v)
	}
	return out, missing, nil
}

// whenKeys returns the run-time value keys the when expressions of a task
// refer to.
func whenKeys(ws []plan.When) []string {
	var keys []string
	add := func(s string) {
		for _, r := range ref.Find(s) {
			names := r.Names()
			if names[0] == "finally" {
				names[0] = "tasks"
			}
			if key := strings.Join(names, "."); runTimeKey(key) {
				keys = append(keys, resultKeyOf(names))
			}
		}
	}
	for _, w := range ws {
		add(w.Input)
		for _, v := range w.Values {
			add(v)
		}
	}
	return keys
}

// evalWhen evaluates when expressions, all of which must hold. Their
// references are substituted first; when one names a run-time value that
// is missing, nothing is evaluated and missing says which.
func evalWhen(ws []plan.When, get lookup) (ok bool, missing []string, err error) {
	ok = true
	for _, w := range ws {
		input, miss, err := substitute(w.Input, get)
		if err != nil {
			return false, nil, err
		}
		missing = append(missing, miss...)
		values, miss, err := expandList(w.Values, get)
		if err != nil {
			return false, nil, err
		}
		missing = append(missing, miss...)
		in := false
		for _, v := range values {
			if v == input {
				in = true
				break
			}
		}
		switch w.Operator {
		case "in":
			ok = ok && in
		case "notin":
			ok = ok && !in
		default:
			return false, nil, fmt.Errorf("when expression on %q: unknown operator %q", w.Input, w.Operator)
		}
	}
	if len(missing) > 0 {
		return false, missing, nil
	}
	return ok, nil, nil
}
