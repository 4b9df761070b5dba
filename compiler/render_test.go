package compiler

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pipec-dev/pipec/load"
	"github.com/pipec-dev/pipec/source"
)

const renderInput = `apiVersion: tekton.dev/v1
kind: Task
metadata: {name: t}
spec:
  params: [{name: in, default: ""}]
  results: [{name: out}]
  steps: [{name: s, image: alpine, script: echo}]
---
apiVersion: tekton.dev/v1
kind: Pipeline
metadata: {name: p}
spec:
  tasks:
    - {name: fetch, taskRef: {name: t}}
    - name: build
      taskRef: {name: t}
      params: [{name: in, value: $(tasks.fetch.results.out)}]
    - name: test
      taskRef: {name: t}
      runAfter: [build]
      params: [{name: in, value: $(tasks.build.results.out)}]
  finally:
    - {name: notify, taskRef: {name: t}}
`

func renderGraph(t *testing.T) *Graph {
	set := load.Files([]*source.File{source.NewFile("p.yaml", []byte(renderInput))})
	prog := CheckSet(set, Options{})
	if len(prog.Diags) > 0 {
		t.Fatal(prog.Diags)
	}
	return prog.Graphs[prog.Set.Pipelines[0].Spec]
}

func TestWriteDOT(t *testing.T) {
	var b strings.Builder
	if err := renderGraph(t).WriteDOT(&b, "p"); err != nil {
		t.Fatal(err)
	}
	want := `digraph "p" {
	rankdir=LR;
	node [shape=box];
	"fetch";
	"build";
	"test";
	"fetch" -> "build" [style=dashed];
	"build" -> "test" [style=solid];
	subgraph cluster_finally {
		label="finally";
		"notify";
	}
}
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("DOT (-want +got):\n%s", diff)
	}
}

func TestWriteMermaid(t *testing.T) {
	var b strings.Builder
	if err := renderGraph(t).WriteMermaid(&b); err != nil {
		t.Fatal(err)
	}
	want := `flowchart LR
  t0["fetch"]
  t1["build"]
  t2["test"]
  t0 -.-> t1
  t1 --> t2
  subgraph finally
    t3["notify"]
  end
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("Mermaid (-want +got):\n%s", diff)
	}
}
