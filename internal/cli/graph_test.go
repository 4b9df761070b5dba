package cli

import (
	"bytes"
	"strings"
	"testing"
)

func TestGraphCommand(t *testing.T) {
	run := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := Run(args, IO{In: strings.NewReader(""), Out: &out, Err: &errb})
		return code, out.String(), errb.String()
	}
	code, out, stderr := run("graph", "-f", "mermaid", "../../testdata/seeds/07-maven-workspace")
	if code != 0 || !strings.Contains(out, "%% mvn-pipeline\nflowchart LR\n") || !strings.Contains(out, `t0 --> t2`) {
		t.Errorf("graph -f mermaid: exit %d\n%s%s", code, out, stderr)
	}
	code, out, _ = run("graph", "--pipeline", "test-pipeline", "../../testdata/seeds/05-results")
	if code != 0 || !strings.Contains(out, `"get-build-id" -> "build-and-push" [style=solid];`) {
		t.Errorf("graph --pipeline: exit %d\n%s", code, out)
	}
	if code, _, stderr = run("graph", "../../testdata/seeds/01-task-test"); code != ExitUsage || !strings.Contains(stderr, "no Pipeline") {
		t.Errorf("graph of no pipeline: exit %d: %s", code, stderr)
	}
	if code, _, stderr = run("graph", "-f", "png", "../../testdata/seeds/05-results"); code != ExitUsage || !strings.Contains(stderr, `unknown format "png"`) {
		t.Errorf("graph -f png: exit %d: %s", code, stderr)
	}
}
