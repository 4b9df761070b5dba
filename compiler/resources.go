package compiler

import (
	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/model"
	"github.com/pipec-dev/pipec/ref"
)

func isAnyRef(s string) bool { return len(ref.Find(s)) > 0 }

// checkTaskResources checks a pipeline task's PipelineResource bindings
// (v1beta1) against the Task's and the Pipeline's declarations.
func (pc *pipelineCheck) checkTaskResources(pt *model.PipelineTask, res *Resolved, what string) {
	pc.checkBindings(pt, pt.Inputs, res.Spec.Inputs, "input", what)
	pc.checkBindings(pt, pt.Outputs, res.Spec.Outputs, "output", what)
}

func (pc *pipelineCheck) checkBindings(pt *model.PipelineTask, bs []*model.ResourceBinding, decls []*model.ResourceDecl, dir, what string) {
	ds := pc.diags()
	bound := map[string]bool{}
	for _, b := range bs {
		bound[b.Name.Value] = true
		decl := boundDecl(ds, b, decls, dir, what)
		pr := findDecl(pc.spec.Resources, b.Resource.Value)
		switch {
		case !b.Resource.IsSet():
		case pr == nil:
			d := ds.Errorf(b.Resource.Range(), CodeResourceBinding, "the pipeline declares no resource %q", b.Resource.Value)
			didYouMean(d, b.Resource.Value, declNames(pc.spec.Resources), "Pipeline resources:")
		case decl != nil && decl.Type.Value != "" && pr.Type.Value != "" && decl.Type.Value != pr.Type.Value:
			ds.Errorf(b.Resource.Range(), CodeResourceBinding, "resource %q is of type %s, but %s expects %s %q of type %s",
				b.Resource.Value, pr.Type.Value, what, dir, decl.Name.Value, decl.Type.Value).
				With(decl.Type.Range(), "declared here").With(pr.Type.Range(), "pipeline resource declared here")
		}
		for _, f := range b.From {
			target := pc.spec.Task(f.Value)
			if target == nil || target.Finally {
				d := ds.Errorf(f.Range(), CodeUnknownFrom, "from names %q, which is not a task of this pipeline", f.Value)
				didYouMean(d, f.Value, pc.taskNames(false), "Tasks:")
				continue
			}
			pc.graph.add(Edge{From: pt.Name.Value, To: f.Value, Kind: From, at: f.Node})
			produces := false
			for _, o := range target.Outputs {
				produces = produces || o.Resource.Value == b.Resource.Value
			}
			if !produces {
				ds.Errorf(f.Range(), CodeUnknownFrom, "task %q does not output resource %q", f.Value, b.Resource.Value)
			}
		}
	}
	for _, d := range decls {
		if !d.Optional && !bound[d.Name.Value] {
			ds.Errorf(pt.Name.Range(), CodeResourceBinding, "pipeline task %q does not bind %s's %s resource %q", pt.Name.Value, what, dir, d.Name.Value).
				With(d.Name.Range(), "declared here")
		}
	}
}

// boundDecl returns the declaration a binding names, or reports that what
// declares no such dir (input or output) resource.
func boundDecl(ds *diag.List, b *model.ResourceBinding, decls []*model.ResourceDecl, dir, what string) *model.ResourceDecl {
	decl := findDecl(decls, b.Name.Value)
	if decl == nil {
		d := ds.Errorf(b.Name.Range(), CodeResourceBinding, "%s declares no %s resource %q", what, dir, b.Name.Value)
		didYouMean(d, b.Name.Value, declNames(decls), "Its "+dir+" resources are:")
	}
	return decl
}

func findDecl(ds []*model.ResourceDecl, name string) *model.ResourceDecl {
	for _, d := range ds {
		if d.Name.Value == name {
			return d
		}
	}
	return nil
}

func declNames(ds []*model.ResourceDecl) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Name.Value
	}
	return out
}

// checkRunResources checks a run's resource bindings against declarations:
// each declared resource bound, each binding declared, each resourceRef
// found in the input.
func (c *checker) checkRunResources(bs []*model.ResourceBinding, decls []*model.ResourceDecl, dir, what string, at func() diag.Range) {
	ds := c.diags()
	bound := map[string]bool{}
	for _, b := range bs {
		bound[b.Name.Value] = true
		decl := boundDecl(ds, b, decls, dir, what)
		typ := ""
		switch {
		case b.ResourceRef != nil && b.ResourceRef.Name.IsSet():
			r := c.p.Resource(b.ResourceRef.Name.Value)
			if r == nil {
				d := ds.Errorf(b.ResourceRef.Name.Range(), CodeUnresolvedResource, "no PipelineResource named %q", b.ResourceRef.Name.Value)
				d.Explain("Looked in %s.", c.p.whereLooked())
				continue
			}
			typ = r.Spec.Type.Value
		case b.ResourceSpec != nil:
			typ = b.ResourceSpec.Type.Value
		}
		if decl != nil && typ != "" && decl.Type.Value != "" && typ != decl.Type.Value {
			ds.Errorf(b.Name.Range(), CodeResourceBinding, "%s resource %q is of type %s, but the bound resource is of type %s", dir, b.Name.Value, decl.Type.Value, typ).
				With(decl.Type.Range(), "declared here")
		}
	}
	for _, d := range decls {
		if !d.Optional && !bound[d.Name.Value] {
			ds.Errorf(at(), CodeResourceBinding, "%s resource %q of %s is not bound", dir, d.Name.Value, what).
				With(d.Name.Range(), "declared here")
		}
	}
}
