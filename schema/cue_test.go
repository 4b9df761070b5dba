package schema

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"

	"cuelang.org/go/cue"
	cueerrors "cuelang.org/go/cue/errors"

	"github.com/pipec-dev/pipec/load"
	"github.com/pipec-dev/pipec/schema/internal/gen"
	"github.com/pipec-dev/pipec/source"
)

// The CUE evaluator, run over the same documents as the table-driven
// validator, is the reference: the two must agree on what is rejected.

var (
	cueOnce sync.Once
	cueCtx  *cue.Context
	cuePkgs map[string]cue.Value
	cueErr  error
)

func compiled(t testing.TB) (*cue.Context, map[string]cue.Value) {
	cueOnce.Do(func() {
		cueCtx = gen.NewContext()
		cuePkgs, cueErr = gen.Compile(cueCtx, nil)
	})
	if cueErr != nil {
		t.Fatal(cueErr)
	}
	return cueCtx, cuePkgs
}

// cueDef returns the CUE definition for a document, if pipec has one.
func cueDef(pkgs map[string]cue.Value, doc *load.Doc) (cue.Value, bool) {
	if !Known(doc.APIVersion, doc.Kind) {
		return cue.Value{}, false
	}
	v := pkgs[doc.Version()].LookupPath(cue.MakePath(cue.Def(doc.Kind)))
	return v, v.Exists()
}

// cueErrors unifies doc with its definition and returns the errors the
// evaluator finds, or nil.
func cueErrors(t testing.TB, doc *load.Doc) []cueerrors.Error {
	ctx, pkgs := compiled(t)
	def, ok := cueDef(pkgs, doc)
	if !ok {
		t.Fatalf("no CUE definition for %s %s", doc.APIVersion, doc.Kind)
	}
	ti := roots[doc.APIVersion+" "+doc.Kind]
	data := ctx.Encode(asKubernetes(doc.Root, ti))
	err := def.Unify(data).Validate(cue.Concrete(true))
	return cueerrors.Errors(err)
}

// asKubernetes converts a node into the value the Kubernetes API server
// decodes from it: YAML 1.1 booleans (an unquoted yes) are booleans, a
// field set to null is absent unless its type admits null, and field names
// are matched without regard to case, as Go's JSON decoder does. It follows
// the table only to know field names and where null is allowed.
func asKubernetes(n *source.Node, ti int32) any {
	t := typeAt(ti)
	switch n.Kind {
	case source.String:
		if n.Style == source.Plain && yaml11Bools[n.Value] {
			return yaml11Value(n.Value) == "true"
		}
	case source.List:
		out := make([]any, len(n.Elems))
		for i, e := range n.Elems {
			elem := int32(-1)
			if t != nil && t.Kinds&kList != 0 {
				elem = t.Elem
			}
			out[i] = asKubernetes(e, elem)
		}
		return out
	case source.Map:
		out := map[string]any{}
		var s *structDef
		if t != nil && t.Kinds&kMap != 0 && t.Struct >= 0 {
			s = &structs[t.Struct]
		}
		for i, k := range n.Keys {
			name, ft := k.Value, int32(-1)
			if s != nil {
				f := s.field(name)
				if f == nil && s.Rest < 0 {
					f = s.fieldFold(name)
				}
				switch {
				case f != nil:
					name, ft = f.Name, f.Type
				case s.Rest >= 0:
					ft = s.Rest
				}
			}
			if n.Elems[i].Kind == source.Null && (ft < 0 || types[ft].Kinds&kNull == 0) {
				continue
			}
			out[name] = asKubernetes(n.Elems[i], ft)
		}
		return out
	case source.Int:
		if i, err := strconv.ParseInt(n.Value, 0, 64); err == nil {
			return i
		}
	case source.Float:
		if f, err := strconv.ParseFloat(n.Value, 64); err == nil {
			return f
		}
	}
	return n.Any()
}

func typeAt(ti int32) *typeDef {
	if ti < 0 {
		return nil
	}
	return &types[ti]
}

// badCases are documents each schema rule must reject, written by hand.
var badCases = map[string]string{
	"unknown field": `apiVersion: tekton.dev/v1
kind: Pipeline
metadata: {name: p}
spec:
  tasks:
  - name: a
    taskRef: {name: t}
    runAftr: [b]
`,
	"wrong type": `apiVersion: tekton.dev/v1
kind: Task
metadata: {name: t}
spec:
  steps:
  - image: alpine
    args: "not a list"
`,
	"missing param name": `apiVersion: tekton.dev/v1
kind: Task
metadata: {name: t}
spec:
  params:
  - type: string
  steps:
  - image: alpine
`,
	"missing image": `apiVersion: tekton.dev/v1beta1
kind: Task
metadata: {name: t}
spec:
  steps:
  - name: s
    script: echo
`,
	"missing name": `apiVersion: tekton.dev/v1
kind: TaskRun
metadata: {labels: {a: b}}
spec: {taskRef: {name: t}}
`,
	"bad param type": `apiVersion: tekton.dev/v1
kind: Task
metadata: {name: t}
spec:
  params:
  - name: p
    type: strng
  steps:
  - image: alpine
`,
	"bad onError": `apiVersion: tekton.dev/v1
kind: Task
metadata: {name: t}
spec:
  steps:
  - image: alpine
    onError: contine
`,
	"yaml 1.1 boolean": `apiVersion: tekton.dev/v1
kind: Task
metadata: {name: t}
spec:
  steps:
  - image: alpine
    workingDir: yes
`,
	"int for string": `apiVersion: tekton.dev/v1
kind: Task
metadata: {name: t}
spec:
  steps:
  - image: alpine
    env:
    - {name: A, value: 1}
`,
	"v1 resources": `apiVersion: tekton.dev/v1
kind: Task
metadata: {name: t}
spec:
  resources: {inputs: [{name: src, type: git}]}
  steps:
  - image: alpine
`,
	"bad resource type": `apiVersion: tekton.dev/v1alpha1
kind: PipelineResource
metadata: {name: r}
spec:
  type: gti
  params: [{name: url, value: x}]
`,
	"volume source unknown field": `apiVersion: tekton.dev/v1
kind: TaskRun
metadata: {name: r}
spec:
  taskRef: {name: t}
  workspaces:
  - name: w
    configMap: {name: c, namespace: n}
`,
	"float for int": `apiVersion: tekton.dev/v1
kind: Pipeline
metadata: {name: p}
spec:
  tasks:
  - name: a
    taskRef: {name: t}
    retries: 1.5
`,
	"bad when operator": `apiVersion: tekton.dev/v1beta1
kind: Pipeline
metadata: {name: p}
spec:
  tasks:
  - name: a
    taskRef: {name: t}
    when: [{input: a, operator: equals, values: [b]}]
`,
}

// goodCases are accepted by both validators: the forms next to each rule.
var goodCases = map[string]string{
	"image from template": `apiVersion: tekton.dev/v1
kind: Task
metadata: {name: t}
spec:
  stepTemplate: {image: alpine}
  steps:
  - script: echo
`,
	"field name in the wrong case": `apiVersion: tekton.dev/v1
kind: Pipeline
metadata: {name: p}
spec:
  tasks:
  - name: a
    taskRef: {name: t}
    runafter: [b]
`,
	"step action": `apiVersion: tekton.dev/v1
kind: Task
metadata: {name: t}
spec:
  steps:
  - ref: {name: clone}
    params: [{name: url, value: x}]
`,
	"param values": `apiVersion: tekton.dev/v1
kind: PipelineRun
metadata: {generateName: r-}
spec:
  pipelineRef: {name: p}
  params:
  - {name: s, value: x}
  - {name: num, value: 3}
  - {name: b, value: true}
  - {name: a, value: [x1, y1]}
  - {name: o, value: {k: v}}
  - {name: e, value: }
`,
	"onError param": `apiVersion: tekton.dev/v1
kind: Task
metadata: {name: t}
spec:
  params: [{name: mode, default: continue}]
  steps:
  - image: alpine
    onError: $(params.mode)
    computeResources: {requests: {cpu: 100m, memory: 1Gi}, limits: {cpu: 1}}
`,
	"v1beta1 resources": `apiVersion: tekton.dev/v1beta1
kind: Task
metadata: {name: t}
spec:
  resources:
    inputs: [{name: src, type: git}]
  steps:
  - image: alpine
    resources: {requests: {cpu: 1}}
`,
}

func parseCase(t testing.TB, name, src string) *load.Doc {
	docs, ds := load.YAML(source.NewFile(name+".yaml", []byte(src)))
	if len(ds) > 0 || len(docs) != 1 {
		t.Fatalf("%s: %v", name, ds)
	}
	return docs[0]
}

// TestDifferential runs both validators over the corpus and the cases above
// and requires them to agree on accept or reject, and on where the first
// problem is for the hand-written cases.
func TestDifferential(t *testing.T) {
	type input struct {
		name string
		doc  *load.Doc
		bad  *bool
	}
	var inputs []input
	yes, no := true, false
	for name, src := range badCases {
		inputs = append(inputs, input{name, parseCase(t, name, src), &yes})
	}
	for name, src := range goodCases {
		inputs = append(inputs, input{name, parseCase(t, name, src), &no})
	}
	if testing.Short() {
		t.Log("-short: the corpus is skipped")
	} else if dir := corpusDirIfPresent(); dir != "" {
		rows := readVerdicts(t, dir)
		for row, v := range rows {
			if !strings.HasPrefix(v.apiVersion, "tekton.dev/") {
				continue
			}
			if doc := docFor(corpusDocs(t, dir, v.path), rows, row); doc != nil && Known(doc.APIVersion, doc.Kind) {
				inputs = append(inputs, input{fmt.Sprintf("%s#%d", v.path, v.index), doc, nil})
			}
		}
	}
	agreePath, rejected := 0, 0
	for _, in := range inputs {
		goErrs := errorsOf(Validate(in.doc))
		cueErrs := cueErrors(t, in.doc)
		if (len(goErrs) > 0) != (len(cueErrs) > 0) {
			t.Errorf("%s: validators disagree:\ntable: %s\ncue: %v", in.name, lines(goErrs), cueErrs)
			continue
		}
		if in.bad != nil && *in.bad != (len(goErrs) > 0) {
			t.Errorf("%s: want rejected=%v, table says:\n%s", in.name, *in.bad, lines(goErrs))
		}
		if len(goErrs) == 0 {
			continue
		}
		rejected++
		lines := cueLines(in.doc, cueErrs)
		if lines[goErrs[0].Subject.Start.Line] {
			agreePath++
		} else if in.bad != nil {
			t.Errorf("%s: table reports line %d, cue reports lines %v: %v", in.name, goErrs[0].Subject.Start.Line, lines, cueErrs)
		}
	}
	t.Logf("%d documents, %d rejected by both; the first table error is on a line the evaluator names for %d", len(inputs), rejected, agreePath)
}

// cueLines returns the source lines of the nodes the evaluator's error
// paths lead to: the value and its key, or the nearest existing parent.
func cueLines(doc *load.Doc, errs []cueerrors.Error) map[int]bool {
	out := map[int]bool{}
	for _, e := range errs {
		path := e.Path()
		// Strip the definition's own name ("#Task").
		if len(path) > 0 && strings.HasPrefix(path[0], "#") {
			path = path[1:]
		}
		n, key := doc.Root, (*source.Node)(nil)
		for _, sel := range path {
			next, k := child(n, sel)
			if next == nil {
				break
			}
			n, key = next, k
		}
		out[n.Start.Line] = true
		if key != nil {
			out[key.Start.Line] = true
		}
	}
	return out
}

func child(n *source.Node, sel string) (*source.Node, *source.Node) {
	switch n.Kind {
	case source.Map:
		for i, k := range n.Keys {
			if k.Value == sel {
				return n.Elems[i], k
			}
		}
	case source.List:
		var i int
		if _, err := fmt.Sscan(sel, &i); err == nil && i >= 0 && i < len(n.Elems) {
			return n.Elems[i], nil
		}
	}
	return nil, nil
}
