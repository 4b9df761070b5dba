package schema

import (
	"strings"
	"sync"
	"testing"

	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/load"
	"github.com/pipec-dev/pipec/source"
)

func validateString(t *testing.T, src string) []diag.Diagnostic {
	t.Helper()
	docs, ds := load.YAML(source.NewFile("t.yaml", []byte(src)))
	if len(ds) > 0 {
		t.Fatalf("load: %v", ds)
	}
	var out []diag.Diagnostic
	for _, d := range docs {
		out = append(out, Validate(d)...)
	}
	return diag.Sort(out)
}

// TestMessages pins the text, code and position of each kind of
// diagnostic, each next to the valid form.
func TestMessages(t *testing.T) {
	tests := []struct {
		name, src string
		want      string // "line:col code message | detail substring", or "" for valid
	}{
		{"unknown field", "apiVersion: tekton.dev/v1\nkind: Pipeline\nmetadata: {name: p}\nspec:\n  tasks:\n  - name: a\n    taskRef: {name: t}\n    runAftr: [b]\n",
			`8:5 PC0101 unknown field "runAftr" | did you mean "runAfter"?`},
		{"valid runAfter", "apiVersion: tekton.dev/v1\nkind: Pipeline\nmetadata: {name: p}\nspec:\n  tasks:\n  - name: a\n    taskRef: {name: t}\n    runAfter: [b]\n", ""},
		{"wrong case", "apiVersion: tekton.dev/v1\nkind: Pipeline\nmetadata: {name: p}\nspec:\n  tasks:\n  - name: a\n    taskRef: {name: t}\n    runafter: [b]\n",
			`8:5 PC0107 field "runafter" is spelt "runAfter" | did you mean "runAfter"?`},
		{"v1 resources", "apiVersion: tekton.dev/v1\nkind: Task\nmetadata: {name: t}\nspec:\n  resources: {}\n  steps: [{image: a}]\n",
			`5:3 PC0101 unknown field "resources" | PipelineResources were removed`},
		{"v1beta1 resources", "apiVersion: tekton.dev/v1beta1\nkind: Task\nmetadata: {name: t}\nspec:\n  resources: {inputs: [{name: s, type: git}]}\n  steps: [{image: a}]\n", ""},
		{"wrong type", "apiVersion: tekton.dev/v1\nkind: Task\nmetadata: {name: t}\nspec:\n  steps:\n  - image: a\n    args: [x, [y]]\n",
			`7:15 PC0102 expected string, got list | spec.steps[0].args[1]`},
		{"missing", "apiVersion: tekton.dev/v1\nkind: Task\nmetadata: {name: t}\nspec:\n  params:\n  - type: string\n  steps: [{image: a}]\n",
			`6:5 PC0103 missing required field "name" | ParamSpec requires "name"`},
		{"missing image", "apiVersion: tekton.dev/v1\nkind: Task\nmetadata: {name: t}\nspec:\n  steps:\n  - script: echo\n",
			`6:5 PC0103 missing required field "image" or "ref" | spec.steps[0]`},
		{"enum", "apiVersion: tekton.dev/v1\nkind: Task\nmetadata: {name: t}\nspec:\n  params: [{name: p, type: strng}]\n  steps: [{image: a}]\n",
			`5:28 PC0104 invalid value "strng": expected "string", "array" or "object" | did you mean "string"?`},
		{"onError", "apiVersion: tekton.dev/v1\nkind: Task\nmetadata: {name: t}\nspec:\n  steps: [{image: a, onError: contine}]\n",
			`5:31 PC0104 invalid value "contine": expected "continue", "stopAndFail" or a $(params…) reference | did you mean "continue"?`},
		{"cluster task", "apiVersion: tekton.dev/v1\nkind: ClusterTask\nmetadata: {name: t}\nspec: {}\n",
			`2:7 PC0105 tekton.dev/v1 has no kind ClusterTask | cluster resolver`},
		{"typo kind", "apiVersion: tekton.dev/v1\nkind: Pipline\nmetadata: {name: t}\n",
			`2:7 PC0105 tekton.dev/v1 has no kind Pipline | did you mean "Pipeline"?`},
		{"yaml 1.1", "apiVersion: tekton.dev/v1\nkind: Task\nmetadata: {name: t}\nspec:\n  steps: [{image: a, workingDir: on}]\n",
			`5:34 PC0106 unquoted on is a boolean to Kubernetes, not a string | Quote it`},
		{"yaml 1.1 quoted", "apiVersion: tekton.dev/v1\nkind: Task\nmetadata: {name: t}\nspec:\n  steps: [{image: a, workingDir: 'on'}]\n", ""},
		{"not tekton", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nbogus: 1\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds := validateString(t, tt.src)
			if tt.want == "" {
				if len(ds) > 0 {
					t.Fatalf("want no diagnostics, got %v", ds)
				}
				return
			}
			if len(ds) != 1 {
				t.Fatalf("want one diagnostic, got %v", ds)
			}
			d := ds[0]
			head, detail, _ := strings.Cut(tt.want, " | ")
			got := d.Subject.String()[len("t.yaml:"):] + " " + d.Code + " " + d.Message
			if got != head || !strings.Contains(d.Detail, detail) {
				t.Errorf("got  %s | %s\nwant %s", got, d.Detail, tt.want)
			}
		})
	}
}

// TestConcurrent validates from several goroutines at once; run with -race.
func TestConcurrent(t *testing.T) {
	var docs []*load.Doc
	for _, src := range badCases {
		d, _ := load.YAML(source.NewFile("c.yaml", []byte(src)))
		docs = append(docs, d...)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for _, d := range docs {
				Validate(d)
			}
		})
	}
	wg.Wait()
}
