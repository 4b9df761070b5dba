package load

import (
	"os"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	cueload "cuelang.org/go/cue/load"

	"github.com/pipec-dev/pipec/schema/tekton"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/source"
)

func writeFiles(t *testing.T, files map[string]string) string {
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

func cueFiles(t *testing.T, dir string, names ...string) []*source.File {
	var out []*source.File
	for _, n := range names {
		p := filepath.Join(dir, n)
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, source.NewFile(p, src))
	}
	return out
}

// TestCUEDocuments reads objects from a package of two files: a top-level
// field and a list of objects, with positions from the CUE source down to
// the characters of a string.
func TestCUEDocuments(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"a.cue": `package ci

_image: "alpine:3.20"

task: {
	apiVersion: "tekton.dev/v1"
	kind:       "Task"
	metadata: name: "hello"
	spec: steps: [{
		image:  _image
		script: "echo $(params.who)"
	}]
}
`,
		"b.cue": `package ci

#Named: {name: string}

runs: [for n in ["one", "two"] {
	apiVersion: "tekton.dev/v1"
	kind:       "TaskRun"
	metadata: name: "run-\(n)"
	spec: taskRef: name: task.metadata.name
}]
`,
	})
	docs, ds := CUE(cueFiles(t, dir, "a.cue", "b.cue"))
	if len(ds) > 0 {
		t.Fatalf("diagnostics: %v", ds)
	}
	var names []string
	for _, d := range docs {
		names = append(names, d.Kind+"/"+d.Name)
	}
	if got := strings.Join(names, ","); got != "TaskRun/run-one,TaskRun/run-two,Task/hello" && got != "Task/hello,TaskRun/run-one,TaskRun/run-two" {
		t.Fatalf("docs = %s", got)
	}
	var task *Doc
	for _, d := range docs {
		if d.Kind == "Task" {
			task = d
		}
	}
	script := task.Root.Path("spec", "steps").Items()[0].Get("script")
	if script.Style != source.CUEString {
		t.Fatalf("script style %v", script.Style)
	}
	i := strings.Index(script.Value, "$(params.who)")
	r := script.RangeAt(i, i+len("$(params.who)"))
	if r.Start.Line != 11 || r.Start.Column != 17 || string(script.File.Src[r.Start.Byte:r.End.Byte]) != "$(params.who)" {
		t.Errorf("reference at %v, covers %q", r, script.File.Src[r.Start.Byte:r.End.Byte])
	}
	if key := task.Root.Key("spec"); key.Start.Line != 9 || key.Start.Column != 2 {
		t.Errorf("key spec at %v", key.Start)
	}
	// A value given by reference is placed where the field refers to it,
	// and has no characters of its own there.
	if img := task.Root.Path("spec", "steps").Items()[0].Get("image"); img.Start.Line != 10 || img.Style != source.Computed {
		t.Errorf("image at %v, style %v", img.Start, img.Style)
	}
	for _, d := range docs {
		if d.Name == "run-one" {
			name := d.Root.Path("metadata", "name")
			if name.Style != source.Computed {
				t.Errorf("interpolated name: style %v", name.Style)
			}
		}
	}
}

// TestCUESchemaImport checks that a package can import pipec's schemas,
// and that a violation of them is reported at the CUE line.
func TestCUESchemaImport(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"ok/task.cue": `package ok

import "pipec.dev/tekton/v1"

task: v1.#Task & {
	apiVersion: "tekton.dev/v1"
	kind:       "Task"
	metadata: name: "hello"
	spec: steps: [{image: "alpine", script: "echo hi"}]
}
`,
		"bad/task.cue": `package bad

import "pipec.dev/tekton/v1"

task: v1.#Task & {
	apiVersion: "tekton.dev/v1"
	kind:       "Task"
	metadata: name: "hello"
	spec: steps: [{
		image:   "alpine"
		onError: "contine"
	}]
}
`,
	})
	docs, ds := CUE(cueFiles(t, dir, "ok/task.cue"))
	if len(ds) > 0 || len(docs) != 1 || docs[0].Name != "hello" {
		t.Fatalf("ok: docs %d, diagnostics %v", len(docs), ds)
	}
	_, ds = CUE(cueFiles(t, dir, "bad/task.cue"))
	found := false
	for _, d := range ds {
		if d.Code == CodeCUE && d.Subject.Start.Line == 11 && strings.HasSuffix(d.Subject.File, "task.cue") {
			found = true
		}
	}
	if !found {
		t.Errorf("no diagnostic at bad/task.cue:11: %v", ds)
	}
}

func TestCUEErrors(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"syntax/a.cue":   "package x\n\na: {\n",
		"conflict/a.cue": "package y\n\na: 1\na: 2\n",
		"incomplete/a.cue": `package z

t: {
	apiVersion: "tekton.dev/v1"
	kind:       "Task"
	metadata: name: string
}
`,
	})
	for name, line := range map[string]int{"syntax/a.cue": 4, "conflict/a.cue": 3, "incomplete/a.cue": 6} {
		_, ds := CUE(cueFiles(t, dir, name))
		if len(ds) == 0 {
			t.Errorf("%s: no diagnostics", name)
			continue
		}
		d := ds[0]
		if d.Code != CodeCUE || d.Subject.Start.Line != line || !strings.HasSuffix(d.Subject.File, name) {
			t.Errorf("%s: got %v, want line %d", name, ds, line)
		}
		if d.Severity != diag.Error {
			t.Errorf("%s: severity %v", name, d.Severity)
		}
	}
}

// TestSchemaExport checks the vendoring route for the cue command: the
// exported packages load from a module's cue.mod/pkg with no help from
// pipec's overlay.
func TestSchemaExport(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"cue.mod/module.cue": "module: \"example.com/ci\"\nlanguage: version: \"v0.9.0\"\n",
		"task.cue": `package ci

import "pipec.dev/tekton/v1beta1"

task: v1beta1.#Task & {
	apiVersion: "tekton.dev/v1beta1"
	kind:       "Task"
	metadata: name: "hello"
	spec: steps: [{image: "alpine", resources: {}}]
}
`,
	})
	if err := tekton.Export(dir); err != nil {
		t.Fatal(err)
	}
	insts := cueload.Instances([]string{"."}, &cueload.Config{Dir: dir})
	v := cuecontext.New().BuildInstance(insts[0])
	if err := v.Validate(cue.Concrete(true)); err != nil {
		t.Fatal(err)
	}
}
