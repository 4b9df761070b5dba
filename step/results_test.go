package step_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestResultsGoToTheTerminationMessage(t *testing.T) {
	p := newPod(t)
	results := filepath.Join(p.tekton, "results")
	r := p.run([]string{"--name", "last", "--results", "id,list,missing", "--script",
		"printf 'v1 <&>' > " + results + "/id\necho '[\"a\",\"b\"]' > " + results + "/list\n"})
	r.wantCode(t, 0)
	// Byte for byte: no trimming, no HTML escaping, a missing result skipped.
	want := `{"results":{"id":"v1 <&>","list":"[\"a\",\"b\"]\n"}}`
	if got := p.read(p.term); got != want {
		t.Errorf("termination message:\n%s\nwant:\n%s", got, want)
	}
}

func TestResultsAreReportedWhenTheStepFails(t *testing.T) {
	p := newPod(t)
	results := filepath.Join(p.tekton, "results")
	r := p.run([]string{"--name", "last", "--results", "id", "--script", "echo -n 1 > " + results + "/id\nexit 4\n"})
	r.wantCode(t, 4)
	if got, want := p.read(p.term), `{"results":{"id":"1"}}`; got != want {
		t.Errorf("termination message %s, want %s", got, want)
	}
}

func TestResultsTooLargeFailNamingTheLargest(t *testing.T) {
	p := newPod(t)
	results := filepath.Join(p.tekton, "results")
	p.write(filepath.Join(results, "small"), strings.Repeat("s", 100))
	p.write(filepath.Join(results, "big"), strings.Repeat("b", 3000))
	p.write(filepath.Join(results, "medium"), strings.Repeat("m", 2000))
	r := p.run([]string{"--name", "last", "--results", "small,big,medium", "--", "true"})
	r.wantCode(t, 1)
	r.wantStderrContains(t, `the largest is result "big" (3000 bytes)`)

	var m struct {
		Results map[string]string
		Error   string
	}
	text := p.read(p.term)
	if err := json.Unmarshal([]byte(text), &m); err != nil {
		t.Fatalf("termination message %q: %v", text, err)
	}
	if len(m.Results) != 0 || !strings.Contains(m.Error, `"big"`) || len(text) > 4096 {
		t.Errorf("termination message %s, want only the error naming big", text)
	}
}

// TestMessageLimit checks the budget the compiler passes for a pod with many
// containers: results that fit 4096 bytes fail a smaller limit.
func TestMessageLimit(t *testing.T) {
	p := newPod(t)
	results := filepath.Join(p.tekton, "results")
	p.write(filepath.Join(results, "digest"), strings.Repeat("d", 1500))
	ok := p.run([]string{"--name", "last", "--results", "digest", "--", "true"})
	ok.wantCode(t, 0)
	r := p.run([]string{"--name", "last", "--results", "digest", "--message-limit", "1024", "--", "true"})
	r.wantCode(t, 1)
	r.wantStderrContains(t, `the kubelet keeps 1024: the largest is result "digest" (1500 bytes)`)
	if text := p.read(p.term); len(text) > 1024 {
		t.Errorf("termination message of %d bytes exceeds the limit", len(text))
	}
}

func TestStepResults(t *testing.T) {
	p := newPod(t)
	// The wrapper makes the step's results directory before the step runs.
	dir := filepath.Join(p.tekton, "steps", "step-first", "results")
	r := p.run([]string{"--name", "first", "--step-results", "digest", "--script", "printf sha256:1 > " + dir + "/digest\n"})
	r.wantCode(t, 0)
	if got, want := p.read(p.term), `{"stepResults":{"digest":"sha256:1"}}`; got != want {
		t.Errorf("termination message %s, want %s", got, want)
	}

	// A later step of the pod reads it, in either spelling.
	p.write(p.term, "")
	r = p.run([]string{"--name", "second", "--", "echo", "$(steps.first.results.digest)", "$(steps.step-first.results.digest)"})
	r.wantCode(t, 0)
	r.wantStdout(t, "sha256:1 sha256:1\n")
	if got := p.read(p.term); got != "" {
		t.Errorf("a step with no results wrote %q", got)
	}
}
