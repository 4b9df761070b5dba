package cli_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipec-dev/pipec/internal/cli"
)

const pipelineYAML = `apiVersion: tekton.dev/v1
kind: Pipeline
metadata:
  name: hello
spec:
  params:
    - name: who
    - name: words
      type: array
  workspaces:
    - name: src
  tasks:
    - name: greet
      workspaces:
        - name: src
      taskSpec:
        workspaces:
          - name: src
        steps:
          - name: say
            image: alpine:3.20
            command: [echo]
            args: ["hello", "$(params.who)", "$(params.words[*])", "$(workspaces.src.path)"]
`

func compileRun(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = cli.Run(append([]string{"compile"}, args...), cli.IO{In: strings.NewReader(""), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCompilePipeline compiles a Pipeline with --param and --workspace, as
// tkn pipeline start --dry-run would run it.
func TestCompilePipeline(t *testing.T) {
	in := writeFile(t, t.TempDir(), "p.yaml", pipelineYAML)
	code, out, errs := compileRun(t, in, "--param", "who=world", "--param", `words=["a","b"]`,
		"--workspace", "src=pvc:my-claim", "--namespace", "ci")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"name: hello-run-greet", "namespace: ci", "claimName: my-claim",
		"- hello\n        - world\n        - a\n        - b\n        - /workspace/src\n",
		"name: hello-run-coordinator", "pipec.dev/run: hello-run",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestCompileRefusesErrors(t *testing.T) {
	in := writeFile(t, t.TempDir(), "p.yaml", strings.Replace(pipelineYAML, "$(params.who)", "$(params.whom)", 1))
	code, out, errs := compileRun(t, in, "--param", "who=world", "--param", `words=["a"]`, "--workspace", "src=emptyDir")
	if code != 1 || out != "" || !strings.Contains(errs, "PC1001") || !strings.Contains(errs, "nothing was compiled") {
		t.Errorf("exit %d, stdout %q, stderr %q; want 1 and the error", code, out, errs)
	}
}

func TestCompileUsage(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, dir, "p.yaml", pipelineYAML)
	for _, args := range [][]string{
		{filepath.Join(dir, "missing.yaml")},
		{in, "--workspace", "src=nfs:x"},
		{in, "--param", "noequals"},
		{in, "-o", dir, "--check", dir},
		{"../../testdata/seeds/08-run-fragment"}, // nothing runnable
	} {
		if code, _, errs := compileRun(t, args...); code != 2 {
			t.Errorf("%v: exit %d (%s), want 2", args, code, errs)
		}
	}
}

// TestCompileOutputAndCheck writes a directory and checks it: the same
// input matches, a changed one gives a diff and exit 1.
func TestCompileOutputAndCheck(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, dir, "p.yaml", pipelineYAML)
	out := filepath.Join(dir, "out")
	args := []string{in, "--param", "who=world", "--param", `words=["a"]`, "--workspace", "src=emptyDir"}
	if code, _, errs := compileRun(t, append(args, "-o", out)...); code != 0 {
		t.Fatalf("-o: exit %d: %s", code, errs)
	}
	files, _ := filepath.Glob(filepath.Join(out, "*.yaml"))
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
	}
	want := []string{
		"00-serviceaccount-hello-run-coordinator.yaml", "01-role-hello-run-coordinator.yaml",
		"02-rolebinding-hello-run-coordinator.yaml", "03-configmap-hello-run-plan.yaml",
		"04-configmap-hello-run-results.yaml", "06-job-hello-run-greet.yaml", "07-job-hello-run-coordinator.yaml",
	}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Errorf("files %v, want %v", names, want)
	}
	if code, stdout, errs := compileRun(t, append(args, "--check", out)...); code != 0 || stdout != "" {
		t.Errorf("--check of the same output: exit %d, diff %q, stderr %q", code, stdout, errs)
	}
	changed := []string{in, "--param", "who=moon", "--param", `words=["a"]`, "--workspace", "src=emptyDir"}
	code, stdout, _ := compileRun(t, append(changed, "--check", out)...)
	if code != 1 || !strings.Contains(stdout, "-        - world\n+        - moon") {
		t.Errorf("--check of a change: exit %d, diff:\n%s", code, stdout)
	}
	// -o again replaces the earlier output, but touches no other file.
	if code, _, errs := compileRun(t, append(changed, "-o", out)...); code != 0 {
		t.Errorf("-o over its own output: exit %d: %s", code, errs)
	}
	writeFile(t, out, "notes.txt", "mine")
	if code, _, _ := compileRun(t, append(changed, "-o", out)...); code != 2 {
		t.Errorf("-o over a foreign file: exit %d, want 2", code)
	}
}
