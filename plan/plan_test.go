package plan

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestRoundTrip(t *testing.T) {
	p := &Plan{
		APIVersion: APIVersion, Kind: "PipelineRun", Run: "r",
		ResultsConfigMap: "r-results", CoordinatorJob: "r-coordinator",
		Timeouts: Timeouts{Pipeline: &Duration{90 * time.Minute}},
		Tasks: []Task{
			{Name: "a", Job: "r-a", Results: []ResultSpec{{Name: "id"}}},
			{Name: "b", Job: "r-b", After: []string{"a"}, Needs: []string{ResultKey("a", "id")},
				When: []When{{Input: "$(tasks.a.results.id)", Operator: "in", Values: []string{"x"}}}},
		},
		Finally: []Task{{Name: "f", Job: "r-f", Needs: []string{StatusKey("a"), AggregateStatusKey}}},
	}
	b, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"pipeline": "1h30m0s"`) {
		t.Errorf("durations are not written as Go writes them:\n%s", b)
	}
	got, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestParseRejects(t *testing.T) {
	for _, tc := range []struct{ json, want string }{
		{`{"apiVersion":"pipec.dev/plan/v0","tasks":[]}`, `apiVersion "pipec.dev/plan/v0"`},
		{`{"apiVersion":"pipec.dev/plan/v1","tasks":[{"name":"a"},{"name":"a"}]}`, `task "a" appears twice`},
		{`{"apiVersion":"pipec.dev/plan/v1","tasks":[{"name":"a","after":["z"]}]}`, `unknown task "z"`},
		{`{"apiVersion":"pipec.dev/plan/v1","timeouts":{"pipeline":"soon"}}`, `invalid duration`},
		{`not json`, `plan:`},
	} {
		_, err := Parse([]byte(tc.json))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%s) = %v, want an error containing %q", tc.json, err, tc.want)
		}
	}
}

func TestValues(t *testing.T) {
	elems, err := ArrayOf(`["a", 1, {"k":"v"}]`)
	if err != nil || !cmp.Equal(elems, []string{"a", "1", `{"k":"v"}`}) {
		t.Errorf("ArrayOf = %q, %v", elems, err)
	}
	if _, err := ArrayOf(`"a"`); err == nil {
		t.Error("ArrayOf of a string: no error")
	}
	if v, err := FieldOf(`{"url":"https://x","n":2}`, "url"); err != nil || v != "https://x" {
		t.Errorf("FieldOf = %q, %v", v, err)
	}
	if _, err := FieldOf(`{"url":"x"}`, "rev"); err == nil || !strings.Contains(err.Error(), `no key "rev"`) {
		t.Errorf("FieldOf of a missing key: %v", err)
	}
}
