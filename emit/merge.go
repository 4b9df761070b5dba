package emit

// Merging a stepTemplate into a step follows Tekton, which applies a
// Kubernetes strategic merge patch of the step onto the template
// (pipeline/v1 merge.go): a field the step sets wins; objects (resources,
// securityContext) merge key by key; lists merge by their Kubernetes merge
// key where Container declares one (env by name, volumeMounts by mountPath,
// volumeDevices by devicePath, ports by containerPort) and are replaced
// otherwise (command, args, envFrom). An env entry the step redefines
// replaces the template's whole, as Tekton amends after the patch.

// mergeKeys are Container's lists that merge by a key.
var mergeKeys = map[string]string{
	"env":           "name",
	"volumeMounts":  "mountPath",
	"volumeDevices": "devicePath",
	"ports":         "containerPort",
}

// mergeTemplate returns step merged onto tmpl. Neither is modified.
func mergeTemplate(tmpl, step map[string]any) map[string]any {
	out := make(map[string]any, len(tmpl)+len(step))
	for k, v := range tmpl {
		out[k] = v
	}
	for k, v := range step {
		t, ok := out[k]
		if !ok {
			out[k] = v
			continue
		}
		if key, keyed := mergeKeys[k]; keyed {
			out[k] = mergeList(t, v, key, k == "env")
			continue
		}
		out[k] = mergeValue(t, v)
	}
	return out
}

// mergeValue merges objects key by key, recursively; anything else is
// replaced by the step's value.
func mergeValue(t, s any) any {
	tm, ok1 := t.(map[string]any)
	sm, ok2 := s.(map[string]any)
	if !ok1 || !ok2 {
		return s
	}
	out := make(map[string]any, len(tm)+len(sm))
	for k, v := range tm {
		out[k] = v
	}
	for k, v := range sm {
		if old, ok := out[k]; ok {
			out[k] = mergeValue(old, v)
		} else {
			out[k] = v
		}
	}
	return out
}

// mergeList merges two lists of objects by key. The order is the one a
// strategic merge patch gives: the step's entries in the step's order, with
// each template-only entry placed before the first step entry that comes
// later in the template.
func mergeList(t, s any, key string, replace bool) any {
	tl, ok1 := t.([]any)
	sl, ok2 := s.([]any)
	if !ok1 || !ok2 {
		return s
	}
	keyOf := func(e any) (string, bool) {
		m, ok := e.(map[string]any)
		if !ok {
			return "", false
		}
		k, ok := m[key]
		if !ok {
			return "", false
		}
		return toString(k), true
	}
	tIndex := map[string]int{}
	for i, e := range tl {
		if k, ok := keyOf(e); ok {
			tIndex[k] = i
		}
	}
	inStep := map[string]bool{}
	patch := make([]any, len(sl))
	for i, e := range sl {
		patch[i] = e
		k, ok := keyOf(e)
		if !ok {
			continue
		}
		inStep[k] = true
		if j, found := tIndex[k]; found && !replace {
			patch[i] = mergeValue(tl[j], e)
		}
	}
	var only []any // template entries the step does not redefine
	for _, e := range tl {
		if k, ok := keyOf(e); !ok || !inStep[k] {
			only = append(only, e)
		}
	}
	index := func(e any) int {
		if k, ok := keyOf(e); ok {
			if i, found := tIndex[k]; found {
				return i
			}
		}
		return -1
	}
	out := make([]any, 0, len(patch)+len(only))
	for len(patch) > 0 && len(only) > 0 {
		pi, oi := index(patch[0]), index(only[0])
		if pi >= 0 && oi >= 0 && oi < pi {
			out, only = append(out, only[0]), only[1:]
		} else {
			out, patch = append(out, patch[0]), patch[1:]
		}
	}
	out = append(out, patch...)
	return append(out, only...)
}
