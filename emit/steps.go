package emit

import (
	"strconv"

	"github.com/pipec-dev/pipec/model"
	"github.com/pipec-dev/pipec/source"
)

// stepDef is one step or sidecar as the pod will run it: merged with the
// stepTemplate, its StepAction inlined, not yet substituted.
type stepDef struct {
	node    *source.Node // the step as written
	index   int
	sidecar bool
	name    string // Tekton's name; "" for an unnamed step
	// c holds the container fields under their Kubernetes names; at says
	// where each came from (the step, its template or its StepAction).
	c  map[string]any
	at map[string]*source.Node

	script, timeout, onError, stdout, stderr string
	results                                  []string
	usages                                   []model.Mount // step workspaces
	when                                     []*source.Node
	// action substitutes a StepAction's params into its fields, before the
	// task's phases.
	action *substituter
	clone  bool // a PipelineResource's clone step, made by pipec
}

// stepName is the name the step wrapper and $(steps.step-NAME…) know a
// step by: Tekton names an unnamed step "unnamed-INDEX".
func (s *stepDef) stepName() string {
	if s.name != "" {
		return s.name
	}
	return "unnamed-" + strconv.Itoa(s.index)
}

// containerFields are the fields of a Kubernetes container that a step or
// sidecar may carry into its container.
var containerFields = map[string]bool{
	"image": true, "command": true, "args": true, "workingDir": true, "ports": true, "envFrom": true,
	"env": true, "resources": true, "volumeMounts": true, "volumeDevices": true, "livenessProbe": true,
	"readinessProbe": true, "startupProbe": true, "lifecycle": true, "terminationMessagePath": true,
	"terminationMessagePolicy": true, "imagePullPolicy": true, "securityContext": true, "stdin": true,
	"stdinOnce": true, "tty": true, "resizePolicy": true,
}

// readStep splits a step's node into container fields and Tekton's own.
// Fields that are documentation (displayName, description) have no place
// in a pod and are not compiled.
func (tc *taskCompiler) readStep(n *source.Node, index int, sidecar bool) *stepDef {
	s := &stepDef{node: n, index: index, sidecar: sidecar, c: map[string]any{}, at: map[string]*source.Node{}}
	for k, v := range n.Entries() {
		switch name := k.Value; name {
		case "name":
			s.name = v.Value
		case "computeResources", "resources":
			s.c["resources"], s.at["resources"] = v.Any(), v
		case "script":
			s.script = v.Value
			s.at["script"] = v
		case "timeout":
			s.timeout, s.at["timeout"] = v.Value, v
		case "onError":
			s.onError, s.at["onError"] = v.Value, v
		case "stdoutConfig":
			s.stdout, s.at["stdoutConfig"] = v.Str("path"), v
		case "stderrConfig":
			s.stderr, s.at["stderrConfig"] = v.Str("path"), v
		case "results":
			for _, r := range v.Items() {
				s.results = append(s.results, r.Str("name"))
			}
		case "workspaces":
			for _, w := range v.Items() {
				s.usages = append(s.usages, model.Mount{Node: w, Name: strOf(w, "name"), MountPath: strOf(w, "mountPath")})
			}
		case "when":
			s.when = v.Items()
		case "ref", "params":
			// StepAction: inlined by resolveAction.
		case "displayName", "description":
		case "restartPolicy":
			if !sidecar {
				tc.unsupported(k, "a step's restartPolicy")
			}
			// Sidecars always restart: they are native sidecars.
		case "workingDir", "image", "command", "args", "env", "envFrom", "volumeMounts", "volumeDevices",
			"imagePullPolicy", "securityContext", "ports", "stdin", "stdinOnce", "tty", "resizePolicy":
			s.c[name], s.at[name] = v.Any(), v
		case "livenessProbe", "readinessProbe", "startupProbe", "lifecycle", "terminationMessagePath", "terminationMessagePolicy":
			if sidecar {
				s.c[name], s.at[name] = v.Any(), v
				continue
			}
			// A step runs as an init container, which may not have probes
			// or hooks, and the step wrapper owns the termination message.
			tc.c.diags.Warnf(k.Range(), CodeDropped, "a step's %s is not compiled: steps run as init containers, which cannot have it", name).
				Explain("Tekton's v1 API dropped this field from steps too; remove it.")
		default:
			tc.unsupported(k, "the step field "+quoted(name))
		}
	}
	return s
}

// strOf reads a scalar field as a model.Str.
func strOf(n *source.Node, key string) model.Str {
	v := n.Get(key)
	if v == nil || !v.IsScalar() {
		return model.Str{}
	}
	return model.Str{Value: v.Value, Node: v}
}

// stepDefs returns the task's steps, StepActions inlined and the template
// merged, with the run's per-step overrides applied.
func (tc *taskCompiler) stepDefs() (steps, sidecars []*stepDef) {
	spec := tc.in.spec
	var tmpl map[string]any
	tmplAt := map[string]*source.Node{}
	if spec.StepTemplate != nil {
		tmpl = map[string]any{}
		for k, v := range spec.StepTemplate.Entries() {
			name := k.Value
			switch name {
			case "computeResources", "resources":
				name = "resources"
			case "name":
				continue // a v1beta1 template is a whole container; its name means nothing
			default:
				if !containerFields[name] {
					tc.unsupported(k, "the stepTemplate field "+quoted(name))
					continue
				}
			}
			tmpl[name], tmplAt[name] = v.Any(), v
		}
	}
	for i, n := range spec.Node.Get("steps").Items() {
		s := tc.readStep(n, i, false)
		if ref := n.Get("ref"); ref != nil {
			if !tc.resolveAction(s, n, ref) {
				continue
			}
		}
		if tmpl != nil {
			merged := mergeTemplate(tmpl, s.c)
			for k := range merged {
				if _, own := s.c[k]; !own {
					s.at[k] = tmplAt[k]
				}
			}
			s.c = merged
		}
		steps = append(steps, s)
	}
	for i, n := range spec.Node.Get("sidecars").Items() {
		sidecars = append(sidecars, tc.readStep(n, i, true))
	}
	tc.applyContainerSpecs(steps, tc.in.stepSpecs, "stepSpecs")
	tc.applyContainerSpecs(sidecars, tc.in.sidecarSpecs, "sidecarSpecs")
	if cr := tc.in.computeResources; cr != nil {
		// Steps run one after another as init containers, so each may have
		// the whole task's resources: the pod's request is the largest init
		// container's. (Tekton, whose steps run side by side, divides the
		// requests among them.)
		for _, s := range steps {
			s.c["resources"], s.at["resources"] = cr.Any(), cr
		}
	}
	return steps, sidecars
}

// applyContainerSpecs merges the run's stepSpecs or sidecarSpecs (compute
// resources by step name) into the steps.
func (tc *taskCompiler) applyContainerSpecs(steps []*stepDef, specs *source.Node, what string) {
	for _, o := range specs.Items() {
		name := o.Str("name")
		found := false
		for _, s := range steps {
			if s.name == name {
				found = true
				if cr := o.Get("computeResources"); cr != nil {
					old, _ := s.c["resources"].(map[string]any)
					if old == nil {
						old = map[string]any{}
					}
					s.c["resources"], s.at["resources"] = mergeValue(old, cr.Any()), cr
				}
			}
		}
		if !found {
			tc.c.errorf(o.Range(), CodeUnresolved, "%s names %q, which is not a step of the task", what, name)
		}
	}
}

// resolveAction inlines the StepAction a step refers to: its container
// fields, script and results, with its params substituted first.
func (tc *taskCompiler) resolveAction(s *stepDef, n, refNode *source.Node) bool {
	r := refNode
	if r.Get("resolver") != nil || r.Get("bundle") != nil {
		tc.c.errorf(r.Range(), CodeRemote, "this step's StepAction is fetched by a resolver, which pipec does not do").
			Explain("Copy the StepAction into a directory and pass it with -I DIR, and refer to it by name.")
		return false
	}
	name := r.Str("name")
	a := tc.c.prog.StepAction(name)
	if a == nil {
		tc.c.errorf(r.Range(), CodeUnresolved, "no StepAction named %q", name).
			Explain("Put the StepAction in the input or in a directory given with -I.")
		return false
	}
	act := tc.readStep(a.Node, s.index, false)
	for k, v := range act.c {
		s.c[k], s.at[k] = v, act.at[k]
	}
	if act.script != "" {
		s.script, s.at["script"] = act.script, act.at["script"]
	}
	s.results = append(s.results, act.results...)
	// The step's param values see the task's params (and, in an inline
	// spec, the pipeline's); the action's defaults fill the rest.
	vals := map[string]*value{}
	ps := tc.stepParamSubst()
	for _, p := range s.node.Get("params").Items() {
		mv := model.DecodeValue(p.Get("value"))
		if mv == nil {
			continue
		}
		declared := ""
		for _, d := range a.Params {
			if d.Name.Value == p.Str("name") {
				declared = d.Type
			}
		}
		vals[p.Str("name")] = ps.paramValue(mv, declared)
	}
	for _, d := range a.Params {
		if _, ok := vals[d.Name.Value]; !ok && d.Default != nil {
			vals[d.Name.Value] = fromModel(d.Default)
		}
	}
	// Defaults may name other params: one level, as Tekton resolves them.
	pp := paramPhase{vals: vals}
	for _, d := range a.Params {
		if v := vals[d.Name.Value]; v != nil && v.typ == model.TypeString && d.Default != nil && v.str == d.Default.Str {
			vals[d.Name.Value] = stringValue(applyPhase(pp, v.str))
		}
	}
	s.action = &substituter{phases: []phase{pp}}
	return true
}
