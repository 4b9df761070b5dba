package model

import (
	"strconv"

	"github.com/pipec-dev/pipec/load"
	"github.com/pipec-dev/pipec/source"
)

func str(n *source.Node, key string) Str {
	v := n.Get(key)
	if v == nil || !v.IsScalar() || v.Kind == source.Null {
		return Str{Parent: n}
	}
	return Str{Value: v.Value, Node: v, Parent: n}
}

func boolean(n *source.Node, key string) bool {
	v := n.Get(key)
	return v != nil && v.Kind == source.Bool && v.Value == "true"
}

func integer(n *source.Node, key string) (int, *source.Node) {
	v := n.Get(key)
	if v == nil || v.Kind != source.Int {
		return 0, v
	}
	i, _ := strconv.Atoi(v.Value)
	return i, v
}

func strs(n *source.Node) []Str {
	var out []Str
	for _, e := range n.Items() {
		if e.IsScalar() && e.Kind != source.Null {
			out = append(out, Str{Value: e.Value, Node: e})
		}
	}
	return out
}

// scalars returns the scalar elements of a list, skipping anything else (the
// schema reports it).
func scalars(n *source.Node) []*source.Node {
	var out []*source.Node
	for _, e := range n.Items() {
		if e.IsScalar() {
			out = append(out, e)
		}
	}
	return out
}

func decodeObject(d *load.Doc) Object {
	meta := d.Root.Get("metadata")
	o := Object{Doc: d, APIVersion: d.APIVersion, Kind: d.Kind, Namespace: meta.Str("namespace")}
	o.Name = str(meta, "name")
	if !o.Name.IsSet() {
		o.Name = str(meta, "generateName")
	}
	o.Labels = stringMap(meta.Get("labels"))
	o.Annotations = stringMap(meta.Get("annotations"))
	return o
}

func stringMap(n *source.Node) map[string]string {
	if n == nil || n.Kind != source.Map {
		return nil
	}
	m := make(map[string]string, len(n.Keys))
	for k, v := range n.Entries() {
		if v.IsScalar() {
			m[k.Value] = v.Value
		}
	}
	return m
}

// DecodeValue reads a param value the way Tekton's untyped ParamValue does:
// a list is an array, a map an object, anything else a string (numbers and
// booleans as written).
func DecodeValue(n *source.Node) *Value {
	if n == nil {
		return nil
	}
	v := &Value{Node: n}
	switch n.Kind {
	case source.List:
		v.Type = TypeArray
		v.Arr = scalars(n)
	case source.Map:
		v.Type = TypeObject
		for k, e := range n.Entries() {
			v.Obj = append(v.Obj, KV{Key: k, Value: e})
		}
	case source.Null:
		v.Type = TypeString
	default:
		v.Type = TypeString
		v.Str = n.Value
	}
	return v
}

func decodeParamSpecs(n *source.Node) []*ParamSpec {
	var out []*ParamSpec
	for _, e := range n.Items() {
		p := &ParamSpec{Node: e, Name: str(e, "name"), Description: e.Str("description")}
		p.TypeNode = e.Get("type")
		for k := range e.Get("properties").Entries() {
			p.Properties = append(p.Properties, Str{Value: k.Value, Node: k})
		}
		if d := e.Get("default"); d != nil {
			p.Default = DecodeValue(d)
		}
		p.Enum = strs(e.Get("enum"))
		// Tekton's defaulting: the explicit type, else object when properties
		// are set, else the default's type, else string.
		switch {
		case p.TypeNode != nil && p.TypeNode.IsScalar():
			p.Type = p.TypeNode.Value
		case e.Get("properties") != nil:
			p.Type = TypeObject
		case p.Default != nil:
			p.Type = p.Default.Type
		default:
			p.Type = TypeString
		}
		out = append(out, p)
	}
	return out
}

func decodeParams(n *source.Node) []*Param {
	var out []*Param
	for _, e := range n.Items() {
		out = append(out, &Param{Node: e, Name: str(e, "name"), Value: DecodeValue(e.Get("value"))})
	}
	return out
}

func decodeResults(n *source.Node) []*ResultSpec {
	var out []*ResultSpec
	for _, e := range n.Items() {
		r := &ResultSpec{Node: e, Name: str(e, "name"), Type: e.Str("type"), Value: e.Get("value"), Description: e.Str("description")}
		for k := range e.Get("properties").Entries() {
			r.Properties = append(r.Properties, Str{Value: k.Value, Node: k})
		}
		if r.Type == "" {
			r.Type = TypeString
			if len(r.Properties) > 0 {
				r.Type = TypeObject
			}
		}
		out = append(out, r)
	}
	return out
}

func decodeResourceDecls(n *source.Node) []*ResourceDecl {
	var out []*ResourceDecl
	for _, e := range n.Items() {
		out = append(out, &ResourceDecl{Node: e, Name: str(e, "name"), Type: str(e, "type"),
			TargetPath: e.Str("targetPath"), Optional: boolean(e, "optional")})
	}
	return out
}

// DecodeTaskSpec reads a TaskSpec (a Task's spec, or an embedded taskSpec).
func DecodeTaskSpec(n *source.Node) *TaskSpec {
	if n == nil || n.Kind != source.Map {
		return nil
	}
	s := &TaskSpec{Node: n, Description: n.Str("description"), StepTemplate: n.Get("stepTemplate")}
	s.Params = decodeParamSpecs(n.Get("params"))
	s.Results = decodeResults(n.Get("results"))
	for _, e := range n.Get("workspaces").Items() {
		w := &WorkspaceDecl{Node: e, Name: str(e, "name"), MountPath: e.Str("mountPath"),
			ReadOnly: boolean(e, "readOnly"), Optional: boolean(e, "optional"), Description: e.Str("description")}
		if w.MountPath == "" {
			w.MountPath = "/workspace/" + w.Name.Value
		}
		s.Workspaces = append(s.Workspaces, w)
	}
	for i, e := range n.Get("steps").Items() {
		s.Steps = append(s.Steps, decodeStep(e, i, false))
	}
	for i, e := range n.Get("sidecars").Items() {
		s.Sidecars = append(s.Sidecars, decodeStep(e, i, true))
	}
	for _, e := range n.Get("volumes").Items() {
		s.Volumes = append(s.Volumes, str(e, "name"))
		s.VolumeNodes = append(s.VolumeNodes, e)
	}
	res := n.Get("resources")
	s.Inputs = decodeResourceDecls(res.Get("inputs"))
	s.Outputs = decodeResourceDecls(res.Get("outputs"))
	// v1alpha1 Tasks kept params and resources under spec.inputs.
	if in := n.Get("inputs"); in != nil {
		s.Params = append(s.Params, decodeParamSpecs(in.Get("params"))...)
		s.Inputs = append(s.Inputs, decodeResourceDecls(in.Get("resources"))...)
	}
	if out := n.Get("outputs"); out != nil {
		s.Outputs = append(s.Outputs, decodeResourceDecls(out.Get("resources"))...)
	}
	return s
}

func decodeStep(n *source.Node, i int, sidecar bool) *Step {
	s := &Step{Node: n, Index: i, Sidecar: sidecar, Name: str(n, "name"), Image: str(n, "image"),
		Script: str(n, "script"), WorkingDir: str(n, "workingDir"), OnError: str(n, "onError"),
		Timeout: str(n, "timeout")}
	s.Command = scalars(n.Get("command"))
	s.Args = scalars(n.Get("args"))
	for _, e := range n.Get("env").Items() {
		s.Env = append(s.Env, EnvVar{Node: e, Name: str(e, "name"), Value: str(e, "value")})
	}
	for _, e := range n.Get("volumeMounts").Items() {
		s.VolumeMounts = append(s.VolumeMounts, Mount{Node: e, Name: str(e, "name"), MountPath: str(e, "mountPath")})
	}
	for _, e := range n.Get("workspaces").Items() {
		s.Workspaces = append(s.Workspaces, Mount{Node: e, Name: str(e, "name"), MountPath: str(e, "mountPath")})
	}
	s.Results = decodeResults(n.Get("results"))
	s.Ref = decodeRef(n.Get("ref"))
	s.Params = decodeParams(n.Get("params"))
	return s
}

func decodeRef(n *source.Node) *Ref {
	if n == nil || n.Kind != source.Map {
		return nil
	}
	return &Ref{Node: n, Name: str(n, "name"), Kind: str(n, "kind"), APIVersion: str(n, "apiVersion"),
		Resolver: str(n, "resolver"), Bundle: str(n, "bundle"), Params: decodeParams(n.Get("params"))}
}

// DecodePipelineSpec reads a PipelineSpec.
func DecodePipelineSpec(n *source.Node) *PipelineSpec {
	if n == nil || n.Kind != source.Map {
		return nil
	}
	s := &PipelineSpec{Node: n, Description: n.Str("description")}
	s.Params = decodeParamSpecs(n.Get("params"))
	for _, e := range n.Get("workspaces").Items() {
		s.Workspaces = append(s.Workspaces, &PipelineWorkspace{Node: e, Name: str(e, "name"),
			Optional: boolean(e, "optional"), Description: e.Str("description")})
	}
	for _, e := range n.Get("results").Items() {
		r := &PipelineResult{Node: e, Name: str(e, "name"), Type: e.Str("type"), Value: DecodeValue(e.Get("value"))}
		if r.Type == "" {
			r.Type = TypeString
		}
		s.Results = append(s.Results, r)
	}
	for i, e := range n.Get("tasks").Items() {
		s.Tasks = append(s.Tasks, decodePipelineTask(e, i, false))
	}
	for i, e := range n.Get("finally").Items() {
		s.Finally = append(s.Finally, decodePipelineTask(e, i, true))
	}
	s.Resources = decodeResourceDecls(n.Get("resources"))
	return s
}

func decodePipelineTask(n *source.Node, i int, finally bool) *PipelineTask {
	t := &PipelineTask{Node: n, Index: i, Finally: finally, Name: str(n, "name"), DisplayName: str(n, "displayName"),
		Timeout: str(n, "timeout"), OnError: str(n, "onError"), Conditions: n.Get("conditions")}
	t.TaskRef = decodeRef(n.Get("taskRef"))
	if ts := n.Get("taskSpec"); ts != nil {
		t.TaskSpecNode = ts
		if ts.Get("apiVersion") != nil || ts.Get("kind") != nil {
			t.CustomSpec = true
		} else {
			t.TaskSpec = DecodeTaskSpec(ts)
		}
	}
	t.PipelineRef = decodeRef(n.Get("pipelineRef"))
	t.PipelineSpec = n.Get("pipelineSpec")
	t.Params = decodeParams(n.Get("params"))
	if m := n.Get("matrix"); m != nil {
		t.Matrix = &Matrix{Node: m, Params: decodeParams(m.Get("params"))}
		for _, e := range m.Get("include").Items() {
			t.Matrix.Include = append(t.Matrix.Include, &MatrixInclude{Node: e, Name: str(e, "name"), Params: decodeParams(e.Get("params"))})
		}
	}
	for _, e := range n.Get("workspaces").Items() {
		t.Workspaces = append(t.Workspaces, &WorkspaceBinding{Node: e, Name: str(e, "name"), Workspace: str(e, "workspace"), SubPath: str(e, "subPath")})
	}
	for _, e := range n.Get("when").Items() {
		w := &When{Node: e, Input: e.Get("input"), Operator: str(e, "operator"), CEL: str(e, "cel")}
		w.Values = scalars(e.Get("values"))
		t.When = append(t.When, w)
	}
	t.RunAfter = strs(n.Get("runAfter"))
	t.Retries, t.RetriesNode = integer(n, "retries")
	res := n.Get("resources")
	t.Inputs = decodeTaskResourceBindings(res.Get("inputs"))
	t.Outputs = decodeTaskResourceBindings(res.Get("outputs"))
	return t
}

func decodeTaskResourceBindings(n *source.Node) []*ResourceBinding {
	var out []*ResourceBinding
	for _, e := range n.Items() {
		out = append(out, &ResourceBinding{Node: e, Name: str(e, "name"), Resource: str(e, "resource"), From: strs(e.Get("from"))})
	}
	return out
}

func decodeRunResourceBindings(n *source.Node) []*ResourceBinding {
	var out []*ResourceBinding
	for _, e := range n.Items() {
		b := &ResourceBinding{Node: e, Name: str(e, "name"), ResourceRef: decodeRef(e.Get("resourceRef")), Paths: strs(e.Get("paths"))}
		b.ResourceSpec = decodeResourceSpec(e.Get("resourceSpec"))
		out = append(out, b)
	}
	return out
}

func decodeResourceSpec(n *source.Node) *ResourceSpec {
	if n == nil || n.Kind != source.Map {
		return nil
	}
	return &ResourceSpec{Node: n, Type: str(n, "type"), Params: decodeParams(n.Get("params")), Secrets: n.Get("secrets")}
}

// WorkspaceSources are the volume sources a run's workspace binding may use.
var WorkspaceSources = []string{"persistentVolumeClaim", "volumeClaimTemplate", "emptyDir", "configMap", "secret", "projected", "csi"}

func decodeRunWorkspaces(n *source.Node) []*RunWorkspace {
	var out []*RunWorkspace
	for _, e := range n.Items() {
		w := &RunWorkspace{Node: e, Name: str(e, "name"), SubPath: str(e, "subPath")}
		for _, s := range WorkspaceSources {
			if v := e.Get(s); v != nil {
				w.Source, w.SourceNode = s, v
				break
			}
		}
		out = append(out, w)
	}
	return out
}
