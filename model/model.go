// Package model is pipec's typed view of Tekton objects. It is decoded from
// the value trees of package source after schema validation, so it can be
// lenient about shapes the schema already reported, and every field keeps
// the node it came from for diagnostics. v1beta1 objects are normalised to
// v1 here (serviceAccountName, podTemplate and timeout of a PipelineRun move
// under their v1 names); PipelineResources, $(inputs.params.x) and
// ClusterTask are kept as first-class legacy features.
package model

import (
	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/load"
	"github.com/pipec-dev/pipec/source"
)

// Str is a string field with the node it was read from. A missing field has
// a nil Node and an empty Value.
type Str struct {
	Value string
	Node  *source.Node
	// Parent is the map the field belongs to, where a problem with a
	// missing field is reported.
	Parent *source.Node
}

// Range returns the field's position or, when it is missing, its parent's.
func (s Str) Range() diag.Range {
	if s.Node != nil {
		return s.Node.Range()
	}
	return s.Parent.Range()
}

// IsSet reports whether the field was written.
func (s Str) IsSet() bool { return s.Node != nil }

// Object is what every Tekton object has.
type Object struct {
	Doc         *load.Doc
	APIVersion  string
	Kind        string
	Name        Str // metadata.name, or generateName
	Namespace   string
	Labels      map[string]string
	Annotations map[string]string
}

// Legacy reports whether the object is of an apiVersion older than v1.
func (o *Object) Legacy() bool { return o.APIVersion != "tekton.dev/v1" }

// Range is the position of the object's name, or of the document.
func (o *Object) Range() diag.Range {
	if o.Name.Node != nil {
		return o.Name.Range()
	}
	return o.Doc.Root.Range()
}

// Param types.
const (
	TypeString = "string"
	TypeArray  = "array"
	TypeObject = "object"
)

// ParamSpec declares a param of a Task or Pipeline.
type ParamSpec struct {
	Node        *source.Node
	Name        Str
	Type        string // resolved as Tekton's defaulting does
	TypeNode    *source.Node
	Properties  []Str // object keys, in source order
	Default     *Value
	Enum        []Str
	Description string
}

// HasProperty reports whether an object param declares key.
func (p *ParamSpec) HasProperty(key string) bool {
	for _, k := range p.Properties {
		if k.Value == key {
			return true
		}
	}
	return false
}

// Value is a param value or default: a string, an array of strings or an
// object of strings, as Tekton's untyped ParamValue.
type Value struct {
	Node *source.Node
	Type string
	Str  string         // TypeString
	Arr  []*source.Node // TypeArray
	Obj  []KV           // TypeObject, in source order
}

// KV is one entry of an object value.
type KV struct {
	Key   *source.Node
	Value *source.Node
}

// Strings returns every string node of the value: the string itself, each
// array element, each object value.
func (v *Value) Strings() []*source.Node {
	if v == nil || v.Node == nil {
		return nil
	}
	switch v.Type {
	case TypeArray:
		return v.Arr
	case TypeObject:
		out := make([]*source.Node, len(v.Obj))
		for i, kv := range v.Obj {
			out[i] = kv.Value
		}
		return out
	}
	return []*source.Node{v.Node}
}

// Param passes a value to a param.
type Param struct {
	Node  *source.Node
	Name  Str
	Value *Value
}

// ResultSpec declares a result of a Task or of a step.
type ResultSpec struct {
	Node        *source.Node
	Name        Str
	Type        string
	Properties  []Str
	Value       *source.Node // TaskResult.value: $(steps.S.results.R)
	Description string
}

// WorkspaceDecl declares a workspace of a Task.
type WorkspaceDecl struct {
	Node        *source.Node
	Name        Str
	MountPath   string // defaulted to /workspace/<name>
	ReadOnly    bool
	Optional    bool
	Description string
}

// ResourceDecl declares a PipelineResource input or output (v1beta1).
type ResourceDecl struct {
	Node       *source.Node
	Name       Str
	Type       Str
	TargetPath string
	Optional   bool
}

// Task is a Task or a ClusterTask.
type Task struct {
	Object
	Spec *TaskSpec
}

// TaskSpec is the body of a Task, also embedded in pipeline tasks and runs.
type TaskSpec struct {
	Node         *source.Node
	Description  string
	Params       []*ParamSpec
	Results      []*ResultSpec
	Workspaces   []*WorkspaceDecl
	Steps        []*Step
	Sidecars     []*Step
	StepTemplate *source.Node
	Volumes      []Str // volume names, each Node the volume's name
	VolumeNodes  []*source.Node
	Inputs       []*ResourceDecl // v1beta1 resources.inputs
	Outputs      []*ResourceDecl // v1beta1 resources.outputs
}

// Param returns the param called name, or nil.
func (s *TaskSpec) Param(name string) *ParamSpec { return findParam(s.Params, name) }

// Result returns the result called name, or nil.
func (s *TaskSpec) Result(name string) *ResultSpec {
	for _, r := range s.Results {
		if r.Name.Value == name {
			return r
		}
	}
	return nil
}

// Workspace returns the workspace called name, or nil.
func (s *TaskSpec) Workspace(name string) *WorkspaceDecl {
	for _, w := range s.Workspaces {
		if w.Name.Value == name {
			return w
		}
	}
	return nil
}

// Step is a step, or a sidecar (they share the container surface).
type Step struct {
	Node         *source.Node
	Index        int
	Sidecar      bool
	Name         Str
	Image        Str
	Script       Str
	Command      []*source.Node
	Args         []*source.Node
	WorkingDir   Str
	Env          []EnvVar
	VolumeMounts []Mount
	OnError      Str
	Timeout      Str
	Results      []*ResultSpec
	Workspaces   []Mount // step/sidecar workspace usage: name + mountPath
	Ref          *Ref    // StepAction reference
	Params       []*Param
}

// EnvVar is a step's environment variable.
type EnvVar struct {
	Node  *source.Node
	Name  Str
	Value Str // unset when valueFrom is used
}

// Mount is a volumeMount or a workspace usage.
type Mount struct {
	Node      *source.Node
	Name      Str
	MountPath Str
}

// Ref is a taskRef, pipelineRef, resourceRef or step ref.
type Ref struct {
	Node       *source.Node
	Name       Str
	Kind       Str // Task (default), ClusterTask, or a custom kind
	APIVersion Str // set for custom tasks
	Resolver   Str // remote resolution (git, hub, bundles, cluster, http)
	Bundle     Str // v1beta1 OCI bundle
	Params     []*Param
}

// Remote reports whether the ref is resolved by a resolver or bundle.
func (r *Ref) Remote() bool { return r.Resolver.Value != "" || r.Bundle.Value != "" }

// Custom reports whether the ref names a custom task (a CRD of its own).
func (r *Ref) Custom() bool {
	return r.APIVersion.Value != "" && r.APIVersion.Value != "tekton.dev/v1" && r.APIVersion.Value != "tekton.dev/v1beta1"
}

// Pipeline is a Pipeline.
type Pipeline struct {
	Object
	Spec *PipelineSpec
}

// PipelineSpec is the body of a Pipeline, also embedded in PipelineRuns.
type PipelineSpec struct {
	Node        *source.Node
	Description string
	Params      []*ParamSpec
	Workspaces  []*PipelineWorkspace
	Results     []*PipelineResult
	Tasks       []*PipelineTask
	Finally     []*PipelineTask
	Resources   []*ResourceDecl // v1beta1

	byName map[string]*PipelineTask // built on first use
}

// Param returns the param called name, or nil.
func (s *PipelineSpec) Param(name string) *ParamSpec { return findParam(s.Params, name) }

// Workspace returns the workspace called name, or nil.
func (s *PipelineSpec) Workspace(name string) *PipelineWorkspace {
	for _, w := range s.Workspaces {
		if w.Name.Value == name {
			return w
		}
	}
	return nil
}

// Task returns the pipeline task (of tasks or finally) called name, or nil;
// the first one when the name is used twice. Pipelines of thousands of tasks
// look names up constantly, so an index is built on first use.
func (s *PipelineSpec) Task(name string) *PipelineTask {
	if s.byName == nil {
		s.byName = make(map[string]*PipelineTask, len(s.Tasks)+len(s.Finally))
		for _, t := range s.AllTasks() {
			if _, dup := s.byName[t.Name.Value]; !dup {
				s.byName[t.Name.Value] = t
			}
		}
	}
	return s.byName[name]
}

// AllTasks returns tasks then finally tasks.
func (s *PipelineSpec) AllTasks() []*PipelineTask {
	out := make([]*PipelineTask, 0, len(s.Tasks)+len(s.Finally))
	return append(append(out, s.Tasks...), s.Finally...)
}

// PipelineWorkspace declares a workspace of a Pipeline.
type PipelineWorkspace struct {
	Node        *source.Node
	Name        Str
	Optional    bool
	Description string
}

// PipelineResult is a result of a Pipeline.
type PipelineResult struct {
	Node  *source.Node
	Name  Str
	Type  string
	Value *Value
}

// PipelineTask is one entry of a Pipeline's tasks or finally.
type PipelineTask struct {
	Node         *source.Node
	Index        int
	Finally      bool
	Name         Str
	DisplayName  Str
	TaskRef      *Ref
	TaskSpec     *TaskSpec    // inline taskSpec
	TaskSpecNode *source.Node // the embedded task, with its metadata
	PipelineRef  *Ref         // Pipelines in Pipelines (alpha)
	PipelineSpec *source.Node
	CustomSpec   bool // taskSpec with apiVersion/kind: a custom task
	Params       []*Param
	Matrix       *Matrix
	Workspaces   []*WorkspaceBinding
	When         []*When
	RunAfter     []Str
	Retries      int
	RetriesNode  *source.Node
	Timeout      Str
	OnError      Str
	Inputs       []*ResourceBinding // v1beta1 resources.inputs
	Outputs      []*ResourceBinding // v1beta1 resources.outputs
	Conditions   *source.Node       // v1alpha1/v1beta1 conditions (removed)
}

// Param returns the param passed under name, or nil.
func (t *PipelineTask) Param(name string) *Param { return findArg(t.Params, name) }

// Matrix fans a pipeline task out over combinations of params.
type Matrix struct {
	Node    *source.Node
	Params  []*Param
	Include []*MatrixInclude
}

// MatrixInclude adds one combination.
type MatrixInclude struct {
	Node   *source.Node
	Name   Str
	Params []*Param
}

// WorkspaceBinding binds a Task's workspace to a Pipeline's, in a pipeline
// task (Name → Workspace, which defaults to Name).
type WorkspaceBinding struct {
	Node      *source.Node
	Name      Str
	Workspace Str
	SubPath   Str
}

// Target returns the pipeline workspace bound: Workspace, or Name.
func (b *WorkspaceBinding) Target() Str {
	if b.Workspace.Value != "" {
		return b.Workspace
	}
	return b.Name
}

// When is one when expression.
type When struct {
	Node     *source.Node
	Input    *source.Node
	Operator Str
	Values   []*source.Node
	CEL      Str
}

// ResourceBinding binds a PipelineResource (v1beta1): in a pipeline task
// (Name → Resource, From) or in a run (Name → ResourceRef or ResourceSpec).
type ResourceBinding struct {
	Node         *source.Node
	Name         Str
	Resource     Str   // pipeline task: the pipeline's resource
	From         []Str // pipeline task inputs: tasks that produce it
	ResourceRef  *Ref  // run: a PipelineResource object
	ResourceSpec *ResourceSpec
	Paths        []Str
}

// ResourceSpec is a PipelineResource's spec, inline or in its own object.
type ResourceSpec struct {
	Node    *source.Node
	Type    Str
	Params  []*Param
	Secrets *source.Node
}

// Param returns the value of the resource param called name.
func (s *ResourceSpec) Param(name string) string {
	if p := findArg(s.Params, name); p != nil && p.Value != nil {
		return p.Value.Str
	}
	return ""
}

// RunWorkspace binds a workspace of a run to a volume source.
type RunWorkspace struct {
	Node    *source.Node
	Name    Str
	SubPath Str
	// Source is the kind of volume: persistentVolumeClaim, volumeClaimTemplate,
	// emptyDir, configMap, secret, projected, csi; "" when none is given.
	Source     string
	SourceNode *source.Node
}

// PipelineRun runs a Pipeline.
type PipelineRun struct {
	Object
	PipelineRef  *Ref
	PipelineSpec *PipelineSpec
	Params       []*Param
	Workspaces   []*RunWorkspace
	Resources    []*ResourceBinding
	// ServiceAccountName and PodTemplate are taskRunTemplate's in v1 and
	// spec's own in v1beta1.
	ServiceAccountName Str
	PodTemplate        *source.Node
	Timeouts           Timeouts
	TaskRunSpecs       []*TaskRunSpec
	Status             Str
}

// Timeouts of a PipelineRun; Pipeline is spec.timeout in v1beta1.
type Timeouts struct {
	Pipeline, Tasks, Finally Str
}

// TaskRunSpec overrides settings for one pipeline task of a run.
type TaskRunSpec struct {
	Node               *source.Node
	PipelineTaskName   Str
	ServiceAccountName Str
	PodTemplate        *source.Node
	Timeout            Str
	StepSpecs          *source.Node
	SidecarSpecs       *source.Node
	ComputeResources   *source.Node
}

// TaskRun runs a Task.
type TaskRun struct {
	Object
	TaskRef            *Ref
	TaskSpec           *TaskSpec
	Params             []*Param
	Workspaces         []*RunWorkspace
	Inputs             []*ResourceBinding
	Outputs            []*ResourceBinding
	ServiceAccountName Str
	PodTemplate        *source.Node
	Timeout            Str
	Retries            int
	StepSpecs          *source.Node
	SidecarSpecs       *source.Node
	ComputeResources   *source.Node
	Status             Str
}

// PipelineResource is a v1alpha1 PipelineResource (git, image, …).
type PipelineResource struct {
	Object
	Spec *ResourceSpec
}

// StepAction is a reusable step (tekton.dev/v1beta1 StepAction).
type StepAction struct {
	Object
	Node    *source.Node
	Params  []*ParamSpec
	Results []*ResultSpec
	Step    *Step
}

func findParam(ps []*ParamSpec, name string) *ParamSpec {
	for _, p := range ps {
		if p.Name.Value == name {
			return p
		}
	}
	return nil
}

func findArg(ps []*Param, name string) *Param {
	for _, p := range ps {
		if p.Name.Value == name {
			return p
		}
	}
	return nil
}
