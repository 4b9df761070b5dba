package lint

import "github.com/pipec-dev/pipec/model"

var rulePipelineResources = &Rule{
	ID:       "PC3003",
	Name:     "pipeline-resources",
	Title:    "PipelineResources, which Tekton removed",
	Category: Deprecation,
	Severity: warningSev,
	Doc: `PipelineResources (kind PipelineResource, and the resources sections of
Tasks, Pipelines, pipeline tasks and runs) were deprecated in Tekton v0.30 and
removed in v0.50: current Tekton rejects them. pipec still reads them so that
old pipelines can be checked and migrated. Each declaration is reported once,
with the replacement for its type: a git resource becomes a workspace filled
by the git-clone Task (its url and revision become params); an image resource
becomes an IMAGE param plus IMAGE_URL and IMAGE_DIGEST results; a storage or
cluster resource becomes a workspace or a Secret mounted by a workspace.`,
	Bad: `apiVersion: tekton.dev/v1beta1
kind: Task
metadata:
  name: unit-test
spec:
  resources:
    inputs:
      - name: repo
        type: git
  steps:
    - name: test
      image: golang:1.22
      workingDir: $(resources.inputs.repo.path)
      command: [go, test, ./...]
`,
	Good: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: unit-test
spec:
  workspaces:
    - name: source
      description: The repository, cloned by the git-clone Task.
  steps:
    - name: test
      image: golang:1.22
      workingDir: $(workspaces.source.path)
      command: [go, test, ./...]
`,
	Run: runPipelineResources,
}

// resourceMigrations says what replaces each PipelineResource type.
var resourceMigrations = map[string]string{
	"git":         "A git resource becomes a workspace that the git-clone Task fills; pass url and revision as params.",
	"image":       "An image resource becomes a param (IMAGE) for the reference and results (IMAGE_URL, IMAGE_DIGEST) for what was built.",
	"storage":     "A storage resource becomes a workspace (a PersistentVolumeClaim or volumeClaimTemplate), filled by a Task such as gcs-download.",
	"cluster":     "A cluster resource becomes a workspace bound to a Secret holding the kubeconfig.",
	"pullRequest": "A pullRequest resource becomes the pull-request Task of the catalog, or params filled by a trigger.",
	"cloudEvent":  "A cloudEvent resource becomes a finally task that sends the event.",
}

const resourceGeneral = "Replace each resource with a workspace (for files) or params and results (for values)."

func resourceHint(types ...string) string {
	seen := map[string]bool{}
	hint := ""
	for _, t := range types {
		if h := resourceMigrations[t]; h != "" && !seen[t] {
			seen[t] = true
			hint += " " + h
		}
	}
	if hint == "" {
		return resourceGeneral
	}
	return hint[1:]
}

func declTypes(ds ...[]*model.ResourceDecl) []string {
	var out []string
	for _, l := range ds {
		for _, d := range l {
			out = append(out, d.Type.Value)
		}
	}
	return out
}

func runPipelineResources(p *Pass) {
	s := p.Set()
	for _, r := range s.Resources {
		if k := r.Doc.Root.Get("kind"); k != nil {
			typ := ""
			if r.Spec != nil {
				typ = r.Spec.Type.Value
			}
			p.Reportf(k.Range(), "PipelineResource %s: Tekton removed PipelineResources", quote(r.Name.Value)).
				Explain("%s", resourceHint(typ))
		}
	}
	for _, t := range p.TaskSpecs() {
		spec := t.Spec.Node
		key := spec.Key("resources")
		if key == nil {
			// v1alpha1 kept them under inputs and outputs.
			if in := spec.Path("inputs").Key("resources"); in != nil {
				key = in
			} else {
				key = spec.Path("outputs").Key("resources")
			}
		}
		if key != nil {
			p.Reportf(key.Range(), "%s declares PipelineResources, which Tekton removed", t.What()).
				Explain("%s", resourceHint(declTypes(t.Spec.Inputs, t.Spec.Outputs)...))
		}
	}
	for _, ps := range p.PipelineSpecs() {
		if k := ps.Spec.Node.Key("resources"); k != nil {
			p.Reportf(k.Range(), "the pipeline declares PipelineResources, which Tekton removed").
				Explain("%s", resourceHint(declTypes(ps.Spec.Resources)...))
		}
		for _, pt := range ps.Spec.AllTasks() {
			if k := pt.Node.Key("resources"); k != nil {
				p.Reportf(k.Range(), "pipeline task %s binds PipelineResources, which Tekton removed", quote(pt.Name.Value)).
					Explain("%s", resourceGeneral)
			}
		}
	}
	runs := func(o *model.Object) {
		if k := o.Doc.Root.Get("spec").Key("resources"); k != nil {
			p.Reportf(k.Range(), "%s %s binds PipelineResources, which Tekton removed", o.Kind, quote(o.Name.Value)).
				Explain("%s", resourceGeneral)
		}
	}
	for _, r := range s.PipelineRuns {
		runs(&r.Object)
	}
	for _, r := range s.TaskRuns {
		runs(&r.Object)
	}
}
