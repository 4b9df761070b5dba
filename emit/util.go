package emit

import (
	"encoding/json"
	"fmt"
	"sort"
)

// The step fields are kept as JSON-shaped values (map[string]any, []any,
// string, json.Number, bool), as source.Node.Any gives them; these helpers
// read and write them.

func toStrings(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, e := range l {
		out = append(out, toString(e))
	}
	return out
}

func toAnyList(s []string) []any {
	out := make([]any, len(s))
	for i, e := range s {
		out[i] = e
	}
	return out
}

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// eachMap calls fn for each object in a list.
func eachMap(v any, fn func(map[string]any)) {
	l, _ := v.([]any)
	for _, e := range l {
		if m, ok := e.(map[string]any); ok {
			fn(m)
		}
	}
}

// walkStrings calls fn for every string in v, in a stable order.
func walkStrings(v any, fn func(string)) {
	switch x := v.(type) {
	case string:
		fn(x)
	case []any:
		for _, e := range x {
			walkStrings(e, fn)
		}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			walkStrings(x[k], fn)
		}
	}
}

// substAll substitutes every string in v, returning a new value.
func substAll(v any, sub *substituter) any {
	switch x := v.(type) {
	case string:
		return sub.text(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = substAll(e, sub)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = substAll(e, sub)
		}
		return out
	}
	return v
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
