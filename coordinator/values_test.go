package coordinator

import (
	"slices"
	"testing"

	"github.com/pipec-dev/pipec/plan"
)

func mapLookup(m map[string]string) lookup {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

var testValues = map[string]string{
	"tasks.a.results.id":      "v1.2",
	"tasks.a.results.list":    `["x","y","z"]`,
	"tasks.a.results.obj":     `{"url":"https://r","n":3}`,
	"tasks.a.results.dot.ted": "dotted",
	"tasks.a.status":          "Succeeded",
	"tasks.status":            "Completed",
	"context.pipelineRun.uid": "u-1",
}

func TestSubstitute(t *testing.T) {
	get := mapLookup(testValues)
	for _, tc := range []struct {
		in, want string
		missing  []string
		err      bool
	}{
		{in: "plain", want: "plain"},
		{in: "$(tasks.a.results.id)", want: "v1.2"},
		{in: "tag-$(tasks.a.results.id)-$(context.pipelineRun.uid)", want: "tag-v1.2-u-1"},
		{in: "$(tasks.a.results.list[1])", want: "y"},
		{in: "$(tasks.a.results.list[*])", want: `["x","y","z"]`},
		{in: "$(tasks.a.results.obj.url)", want: "https://r"},
		{in: "$(tasks.a.results.obj.n)", want: "3"},
		{in: "$(tasks.a.results.dot.ted)", want: "dotted"},
		{in: `$(tasks.a.results["dot.ted"])`, want: "dotted"},
		{in: "$(tasks.a.status)/$(tasks.status)", want: "Succeeded/Completed"},
		{in: "$(finally.a.results.id)", want: "v1.2"},
		// Unknown references stay; run-time ones without a value are missing.
		{in: "$(params.x) $(date)", want: "$(params.x) $(date)"},
		{in: "$(tasks.b.results.r)", want: "$(tasks.b.results.r)", missing: []string{"tasks.b.results.r"}},
		{in: "$(tasks.b.results.r.key)", want: "$(tasks.b.results.r.key)", missing: []string{"tasks.b.results.r"}},
		{in: "$(tasks.b.status)", want: "$(tasks.b.status)", missing: []string{"tasks.b.status"}},
		{in: "$(tasks.a.results.list[7])", err: true},
		{in: "$(tasks.a.results.id[0])", err: true},
		{in: "$(tasks.a.results.obj.nokey)", err: true},
	} {
		got, missing, err := substitute(tc.in, get)
		if (err != nil) != tc.err {
			t.Errorf("substitute(%q): error %v, want error %v", tc.in, err, tc.err)
			continue
		}
		if tc.err {
			continue
		}
		if got != tc.want || !slices.Equal(missing, tc.missing) {
			t.Errorf("substitute(%q) = %q, missing %q; want %q, missing %q", tc.in, got, missing, tc.want, tc.missing)
		}
	}
}

func TestEvalWhen(t *testing.T) {
	get := mapLookup(testValues)
	w := func(input, op string, values ...string) plan.When {
		return plan.When{Input: input, Operator: op, Values: values}
	}
	for _, tc := range []struct {
		name    string
		ws      []plan.When
		want    bool
		missing []string
		err     bool
	}{
		{name: "none", want: true},
		{name: "in", ws: []plan.When{w("$(tasks.a.results.id)", "in", "v1.1", "v1.2")}, want: true},
		{name: "in false", ws: []plan.When{w("$(tasks.a.results.id)", "in", "v1.1")}, want: false},
		{name: "notin", ws: []plan.When{w("$(tasks.a.results.id)", "notin", "v1.1")}, want: true},
		{name: "notin false", ws: []plan.When{w("$(tasks.a.results.id)", "notin", "v1.2")}, want: false},
		{name: "values substituted", ws: []plan.When{w("v1.2", "in", "$(tasks.a.results.id)")}, want: true},
		{name: "array values", ws: []plan.When{w("y", "in", "$(tasks.a.results.list[*])")}, want: true},
		{name: "array values false", ws: []plan.When{w("w", "in", "$(tasks.a.results.list[*])")}, want: false},
		{name: "all must hold", ws: []plan.When{w("a", "in", "a"), w("b", "in", "c")}, want: false},
		{name: "status", ws: []plan.When{w("$(tasks.a.status)", "in", "Succeeded")}, want: true},
		{name: "aggregate", ws: []plan.When{w("$(tasks.status)", "notin", "Failed")}, want: true},
		{name: "missing", ws: []plan.When{w("$(tasks.b.results.r)", "in", "x")}, missing: []string{"tasks.b.results.r"}},
		{name: "missing value", ws: []plan.When{w("x", "in", "$(tasks.b.results.r[*])")}, missing: []string{"tasks.b.results.r"}},
		{name: "bad operator", ws: []plan.When{w("x", "matches", "x")}, err: true},
	} {
		got, missing, err := evalWhen(tc.ws, get)
		if (err != nil) != tc.err {
			t.Errorf("%s: error %v, want error %v", tc.name, err, tc.err)
			continue
		}
		if got != tc.want || !slices.Equal(missing, tc.missing) {
			t.Errorf("%s: evalWhen = %v, missing %q; want %v, missing %q", tc.name, got, missing, tc.want, tc.missing)
		}
	}
}

func TestWhenKeys(t *testing.T) {
	ws := []plan.When{
		{Input: "$(tasks.a.results.obj.url)", Operator: "in", Values: []string{"$(params.p)", "$(tasks.b.results.list[*])"}},
		{Input: "$(tasks.status)", Operator: "in", Values: []string{"$(finally.c.results.r)"}},
	}
	want := []string{"tasks.a.results.obj", "tasks.b.results.list", "tasks.status", "tasks.c.results.r"}
	if got := whenKeys(ws); !slices.Equal(got, want) {
		t.Errorf("whenKeys = %q, want %q", got, want)
	}
}

func TestResultProducer(t *testing.T) {
	for key, want := range map[string]string{
		"tasks.build.results.id":  "build",
		"tasks.build.results.a.b": "build",
		"tasks.build.status":      "",
		"tasks.status":            "",
		"context.pipelineRun.uid": "",
	} {
		if got := resultProducer(key); got != want {
			t.Errorf("resultProducer(%q) = %q, want %q", key, got, want)
		}
	}
}
