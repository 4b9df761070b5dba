package cli_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipec-dev/pipec/internal/cli"
)

const cleanTask = `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: hello
spec:
  steps:
    - name: hello
      image: alpine:3.20@sha256:0000000000000000000000000000000000000000000000000000000000000000
      command: [echo, hello]
`

// warnTask has one warning (PC4004, an untagged image) and no error.
const warnTask = `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: hello
spec:
  steps:
    - name: hello
      image: alpine
      command: [echo, hello]
`

// errorTask has an error (PC1001) on line 9.
const errorTask = `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: hello
spec:
  steps:
    - name: hello
      image: alpine:3.20@sha256:0000000000000000000000000000000000000000000000000000000000000000
      command: [echo, $(params.who)]
`

// run runs pipec in-process in dir with files written there first.
func run(t *testing.T, dir string, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	t.Chdir(dir)
	var out, errb bytes.Buffer
	code = cli.Run(args, cli.IO{In: strings.NewReader(stdin), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

// workdir makes a directory with the given files.
func workdir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLintExitCodes(t *testing.T) {
	dir := workdir(t, map[string]string{"clean.yaml": cleanTask, "warn.yaml": warnTask, "error.yaml": errorTask, "bad.pipec.yaml": "version: 7\n"})
	for _, tc := range []struct {
		args []string
		code int
		out  string // a substring of stdout, or of stderr for exit 2
	}{
		{[]string{"lint", "clean.yaml"}, 0, ""},
		{[]string{"lint", "warn.yaml"}, 0, "warn.yaml:8:14: warning: image alpine has no tag"},
		{[]string{"lint", "--fail-level", "warning", "warn.yaml"}, 1, "1 problem (1 warning)"},
		{[]string{"lint", "--fail-level", "info", "clean.yaml"}, 0, ""},
		{[]string{"lint", "error.yaml"}, 1, "error.yaml:9:32: error: param \"who\" is not declared [PC1001]"},
		{[]string{"lint", "missing.yaml"}, 2, "missing.yaml"},
		{[]string{"lint", "--bogus", "clean.yaml"}, 2, "unknown flag: --bogus"},
		{[]string{"lint", "--format", "xml", "clean.yaml"}, 2, `unknown format "xml"`},
		{[]string{"lint", "--fail-level", "fatal", "clean.yaml"}, 2, "--fail-level"},
		{[]string{"lint", "--config", "bad.pipec.yaml", "clean.yaml"}, 2, "bad.pipec.yaml:1:10: unsupported version"},
		{[]string{"lint", "--config", "nowhere.yaml", "clean.yaml"}, 2, "nowhere.yaml"},
		{[]string{"lint"}, 2, "no paths to lint"},
		{[]string{"lint", "--color", "sometimes", "clean.yaml"}, 2, "--color"},
	} {
		code, stdout, stderr := run(t, dir, "", tc.args...)
		where := stdout
		if tc.code == 2 {
			where = stderr
		}
		if code != tc.code || !strings.Contains(where, tc.out) {
			t.Errorf("pipec %s: exit %d, stdout %q, stderr %q; want exit %d with %q", strings.Join(tc.args, " "), code, stdout, stderr, tc.code, tc.out)
		}
	}
}

func TestLintStdin(t *testing.T) {
	code, stdout, _ := run(t, t.TempDir(), errorTask, "lint", "-")
	if code != 1 || !strings.HasPrefix(stdout, "-:9:32: error: param \"who\" is not declared") {
		t.Errorf("exit %d, stdout %q", code, stdout)
	}
}

func TestLintFormats(t *testing.T) {
	dir := workdir(t, map[string]string{"error.yaml": errorTask})
	code, stdout, _ := run(t, dir, "", "lint", "--format", "json", "error.yaml")
	var js struct {
		Diagnostics []struct {
			File, Severity, Code, Message    string
			Line, Column, EndLine, EndColumn int
		}
	}
	if err := json.Unmarshal([]byte(stdout), &js); err != nil || code != 1 || len(js.Diagnostics) != 1 || js.Diagnostics[0].Code != "PC1001" || js.Diagnostics[0].EndColumn != 35 {
		t.Errorf("json: exit %d, %v, %s", code, err, stdout)
	}
	code, stdout, _ = run(t, dir, "", "lint", "-f", "sarif", "error.yaml")
	var sarif struct {
		Version string
		Runs    []struct {
			Tool struct {
				Driver struct {
					Rules []struct{ ID, HelpURI string }
				}
			}
			Results []struct{ RuleID string }
		}
	}
	if err := json.Unmarshal([]byte(stdout), &sarif); err != nil || code != 1 || sarif.Version != "2.1.0" || len(sarif.Runs[0].Tool.Driver.Rules) < 100 || sarif.Runs[0].Results[0].RuleID != "PC1001" {
		t.Errorf("sarif: exit %d, %v", code, err)
	}
	for _, r := range sarif.Runs[0].Tool.Driver.Rules {
		if !strings.HasPrefix(r.HelpURI, "https://github.com/pipec-dev/pipec/blob/main/docs/rules.md#"+strings.ToLower(r.ID)) {
			t.Errorf("sarif rule %s: helpUri %q", r.ID, r.HelpURI)
		}
	}
	code, stdout, _ = run(t, dir, "", "lint", "-f", "github", "error.yaml")
	if code != 1 || stdout != "::error file=error.yaml,line=9,endLine=9,col=32,endColumn=35,title=PC1001::param \"who\" is not declared%0ADeclared params: none.\n" {
		t.Errorf("github: exit %d, %q", code, stdout)
	}
}

func TestLintColor(t *testing.T) {
	dir := workdir(t, map[string]string{"warn.yaml": warnTask})
	t.Setenv("NO_COLOR", "")
	_, plain, _ := run(t, dir, "", "lint", "warn.yaml")
	_, colored, _ := run(t, dir, "", "lint", "--color", "always", "warn.yaml")
	if strings.Contains(plain, "\x1b[") || !strings.Contains(colored, "\x1b[") {
		t.Errorf("colour: plain %q, always %q", plain, colored)
	}
	t.Setenv("NO_COLOR", "1")
	if _, out, _ := run(t, dir, "", "lint", "--color", "auto", "warn.yaml"); strings.Contains(out, "\x1b[") {
		t.Errorf("NO_COLOR ignored: %q", out)
	}
}

// TestLintConfigDiscovery checks that .pipec.yaml is found in the working
// directory or a parent, that --config overrides it, and that --config ""
// turns it off.
func TestLintConfigDiscovery(t *testing.T) {
	dir := workdir(t, map[string]string{
		".pipec.yaml":      "version: 1\nfail-level: warning\nrules:\n  latest-image: error\n  missing-shebang: off\nexclude:\n  - generated/**\n",
		"sub/warn.yaml":    warnTask,
		"generated/x.yaml": warnTask,
		"other.yaml":       "version: 1\nrules:\n  PC4004: off\n",
	})
	sub := filepath.Join(dir, "sub")
	if code, out, _ := run(t, sub, "", "lint", "warn.yaml"); code != 1 || !strings.Contains(out, "error: image alpine has no tag") {
		t.Errorf("config in a parent: exit %d, %q", code, out)
	}
	if code, out, _ := run(t, sub, "", "lint", "--config", "../other.yaml", "warn.yaml"); code != 0 || strings.Contains(out, "PC4004") {
		t.Errorf("--config: exit %d, %q", code, out)
	}
	if code, out, _ := run(t, sub, "", "lint", "--config", "", "warn.yaml"); code != 0 || !strings.Contains(out, "warning: image alpine") {
		t.Errorf(`--config "": exit %d, %q`, code, out)
	}
	if code, out, _ := run(t, dir, "", "lint", "generated"); code != 0 || out != "" {
		t.Errorf("excluded path: exit %d, %q", code, out)
	}
	if code, out, _ := run(t, dir, "", "lint", "--fail-level", "error", "sub"); code != 1 || !strings.Contains(out, "1 problem (1 error)") {
		t.Errorf("--fail-level and the config's error severity: exit %d, %q", code, out)
	}
}

func TestListRules(t *testing.T) {
	dir := workdir(t, map[string]string{".pipec.yaml": "version: 1\nrules:\n  kebab-case: on\n  PC4005: off\n"})
	code, out, _ := run(t, dir, "", "lint", "--list-rules")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	lintRules := 0
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) > 3 && len(f[0]) == 6 && f[0][:2] == "PC" && f[0][2] >= '3' && f[0][2] <= '6' {
			lintRules++
		}
	}
	if lintRules < 35 {
		t.Errorf("%d lint rules listed", lintRules)
	}
	for _, want := range []string{"PC6006  kebab-case", "warning", "PC4005  image-digest", "off", "PC9001  custom-task", "PC9104  sidecar-probe"} {
		if !strings.Contains(out, want) {
			t.Errorf("--list-rules lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(lineOf(out, "PC6006"), "warning") || !strings.Contains(lineOf(out, "PC4005"), "off") {
		t.Errorf("settings not from the config:\n%s\n%s", lineOf(out, "PC6006"), lineOf(out, "PC4005"))
	}
	code, out, _ = run(t, dir, "", "lint", "--list-rules", "--format", "json")
	var rules []struct{ ID, Setting string }
	if err := json.Unmarshal([]byte(out), &rules); err != nil || code != 0 || len(rules) < 100 {
		t.Errorf("--list-rules --format json: exit %d, %v", code, err)
	}
}

func lineOf(out, prefix string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}

func TestExplain(t *testing.T) {
	for _, key := range []string{"PC4004", "latest-image", "pc4004"} {
		code, out, _ := run(t, t.TempDir(), "", "explain", key)
		if code != 0 || !strings.HasPrefix(out, "PC4004 latest-image: image without a tag or tagged latest\n") ||
			!strings.Contains(out, "tekton-lint equivalent: no-latest-image") || !strings.Contains(out, "Reported:\n\n    apiVersion: tekton.dev/v1") {
			t.Errorf("explain %s: exit %d\n%s", key, code, out)
		}
	}
	if code, out, _ := run(t, t.TempDir(), "", "explain", "PC1001"); code != 0 || !strings.Contains(out, "undeclared-param") {
		t.Errorf("explain of a compiler code: exit %d\n%s", code, out)
	}
	if code, out, _ := run(t, t.TempDir(), "", "explain", "PC9001"); code != 0 || !strings.HasPrefix(out, "PC9001 custom-task: ") ||
		!strings.Contains(out, "Category: compile. Default: error.") || !strings.Contains(out, "Fixed:\n\n    apiVersion: tekton.dev/v1") {
		t.Errorf("explain of a pipec compile code: exit %d\n%s", code, out)
	}
	if code, _, errOut := run(t, t.TempDir(), "", "explain", "latest-imag"); code != 2 || !strings.Contains(errOut, `did you mean "latest-image"?`) {
		t.Errorf("explain of an unknown rule: exit %d, %q", code, errOut)
	}
}
