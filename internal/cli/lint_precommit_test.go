package cli_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// hook is an entry of .pre-commit-hooks.yaml.
type hook struct {
	ID            string   `yaml:"id"`
	Entry         string   `yaml:"entry"`
	Language      string   `yaml:"language"`
	Files         string   `yaml:"files"`
	Args          []string `yaml:"args"`
	PassFilenames *bool    `yaml:"pass_filenames"`
}

// TestPreCommitHooks runs the hooks of .pre-commit-hooks.yaml the way
// pre-commit does: the golang language installs the repository's commands
// (here: go build of cmd/pipec into a bin directory on PATH), then runs the
// entry, split into words, with the hook's args and the staged files that
// match its files pattern, from the root of the repository being committed,
// with PRE_COMMIT=1.
func TestPreCommitHooks(t *testing.T) {
	if testing.Short() {
		t.Skip("builds pipec")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join(root, ".pre-commit-hooks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var hooks []hook
	if err := yaml.Unmarshal(src, &hooks); err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "pipec"), "./cmd/pipec")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	repo := workdir(t, map[string]string{
		"tekton/task.yaml":     cleanTask,
		"tekton/pipeline.yaml": "apiVersion: tekton.dev/v1\nkind: Pipeline\nmetadata:\n  name: ci\nspec:\n  tasks:\n    - name: hello\n      taskRef:\n        name: hello\n",
		"tekton/broken.yml":    errorTask,
		"README.md":            "# not YAML\n",
		".github/ci.yaml":      "on: push\njobs: {}\n",
	})
	byID := map[string]hook{}
	for _, h := range hooks {
		byID[h.ID] = h
		if h.Language != "golang" {
			t.Errorf("hook %s: language %q, want golang", h.ID, h.Language)
		}
	}
	for _, tc := range []struct {
		hook   string
		staged []string
		code   int
		out    string
	}{
		// The Pipeline alone: its Task is found in the repository.
		{"pipec-lint", []string{"tekton/pipeline.yaml", "README.md"}, 0, ""},
		{"pipec-lint", []string{"tekton/task.yaml", "tekton/broken.yml", ".github/ci.yaml"}, 1, "tekton/broken.yml:9:32: error: param \"who\" is not declared [PC1001]"},
		{"pipec-lint-all", nil, 1, "tekton/broken.yml:9:32: error"},
	} {
		h, ok := byID[tc.hook]
		if !ok {
			t.Fatalf("no hook %s", tc.hook)
		}
		args := append(strings.Fields(h.Entry), h.Args...)
		if h.PassFilenames == nil || *h.PassFilenames {
			files := regexp.MustCompile(h.Files)
			for _, f := range tc.staged {
				if files.MatchString(f) {
					args = append(args, f)
				}
			}
		}
		cmd := exec.Command(filepath.Join(bin, args[0]), args[1:]...)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "PRE_COMMIT=1", "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != tc.code || !strings.Contains(out.String(), tc.out) {
			t.Errorf("%s on %v: exit %d, output:\n%s\nwant exit %d with %q", tc.hook, tc.staged, code, out.String(), tc.code, tc.out)
		}
	}
	if re := regexp.MustCompile(byID["pipec-lint"].Files); !re.MatchString("a/b.cue") || !re.MatchString("x.yml") || re.MatchString("x.json") {
		t.Errorf("files pattern %q should select YAML and CUE files only", byID["pipec-lint"].Files)
	}
}
