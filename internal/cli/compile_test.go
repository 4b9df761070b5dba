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

const pendingRun = `apiVersion: tekton.dev/v1
kind: PipelineRun
metadata:
  name: later
spec:
  status: PipelineRunPending
  pipelineSpec:
    tasks:
      - name: hello
        taskSpec:
          steps:
            - name: hello
              image: alpine:3.20
              command: [echo, hello]
`

// TestCompileConfig checks that pipec compile refuses what the
// configuration makes an error, as pipec lint does: lint rules raised to
// error run and refuse, the others do not run; the other codes follow
// their settings, except that an error cannot be turned off, lowered or
// excluded.
func TestCompileConfig(t *testing.T) {
	latest := strings.Replace(pipelineYAML, "alpine:3.20", "alpine:latest", 1)
	undeclared := strings.Replace(pipelineYAML, "$(params.who)", "$(params.whom)", 1)
	dir := workdir(t, map[string]string{
		"latest.yaml":        latest,
		"both.yaml":          strings.Replace(latest, "$(params.who)", "$(params.whom)", 1),
		"suppressed.yaml":    strings.Replace(undeclared, `"$(workspaces.src.path)"]`, `"$(workspaces.src.path)"] # pipec:ignore PC1001 declared later`, 1),
		"undeclared.yaml":    undeclared,
		"pending.yaml":       pendingRun,
		".pipec.yaml":        "version: 1\nrules:\n  latest-image: error\n",
		"warning.yaml":       "version: 1\nrules:\n  all: on\n  security: warning\n",
		"lower.yaml":         "version: 1\nrules:\n  PC1001: off\n  PC2*: warning\n",
		"exclude.yaml":       "version: 1\nexclude: [undeclared.yaml]\n",
		"pending-error.yaml": "version: 1\nrules:\n  PC9012: error\n",
		"pending-off.yaml":   "version: 1\nrules:\n  run-status: off\n",
		"broken.yaml":        "version: 1\nrules:\n  latest-imag: error\n",
	})
	params := []string{"--param", "who=world", "--param", `words=["a"]`, "--workspace", "src=emptyDir"}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want []string // substrings of stderr
		not  []string
	}{
		{"lint rule raised to error, config discovered", []string{"latest.yaml"}, 1, []string{"[PC4004]", "nothing was compiled"}, nil},
		{"lint rule raised to error, --config", []string{"latest.yaml", "--config", ".pipec.yaml"}, 1, []string{"[PC4004]"}, nil},
		{"no configuration", []string{"latest.yaml", "--config", ""}, 0, nil, []string{"PC4004"}},
		{"lint rules not at error do not run", []string{"latest.yaml", "--config", "warning.yaml"}, 0, nil, []string{"PC4004"}},
		{"nor are reported with the errors", []string{"both.yaml", "--config", "warning.yaml"}, 1, []string{"[PC1001]"}, []string{"PC4004"}},
		{"a checker's error cannot be turned off", []string{"undeclared.yaml", "--config", "lower.yaml"}, 1, []string{"[PC1001]", "nothing was compiled"}, nil},
		{"nor excluded", []string{"undeclared.yaml", "--config", "exclude.yaml"}, 1, []string{"[PC1001]"}, nil},
		{"nor suppressed", []string{"suppressed.yaml", "--config", ""}, 1, []string{"[PC1001]"}, []string{"PC0202"}},
		{"a compile warning raised to error", []string{"pending.yaml", "--config", "pending-error.yaml"}, 1, []string{"error: status \"PipelineRunPending\"", "[PC9012]"}, nil},
		{"a compile warning turned off", []string{"pending.yaml", "--config", "pending-off.yaml"}, 0, nil, []string{"PC9012"}},
		{"a compile warning by default", []string{"pending.yaml", "--config", ""}, 0, []string{"warning: status", "[PC9012]"}, nil},
		{"a bad configuration", []string{"latest.yaml", "--config", "broken.yaml"}, 2, []string{`did you mean "latest-image"`}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"compile"}, tc.args...)
			if tc.args[0] != "pending.yaml" {
				args = append(args, params...)
			}
			code, out, errs := run(t, dir, "", args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s", code, tc.code, errs)
			}
			if (code == 0) != strings.Contains(out, "kind: Job") {
				t.Errorf("exit %d with output:\n%s", code, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errs)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(errs, w) {
					t.Errorf("stderr has %q:\n%s", w, errs)
				}
			}
		})
	}
}
