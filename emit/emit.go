package emit

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/pipec-dev/pipec/compiler"
	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/model"
	"github.com/pipec-dev/pipec/source"
)

// Options configure a compile.
type Options struct {
	// Namespace is set on every object when not empty, and is then known
	// to $(context.*.namespace) at compile time. Otherwise the objects go
	// where they are applied, and the pods read their namespace at run
	// time.
	Namespace string
	// Image is the pipec image: the pipec-init container copies the step
	// wrapper from it, and the coordinator runs it. Its PATH must hold
	// pipec.
	Image string
	// GitImage runs the clone step of a git PipelineResource: it needs sh
	// and git.
	GitImage string
	// ServiceAccount, when set, replaces the runs' own service account
	// (taskRunSpecs still choose per task).
	ServiceAccount string
	// Run, when set, compiles only the PipelineRun or TaskRun of that name.
	Run string
}

// Default images, used when Options leave them empty.
const (
	DefaultImage    = "ghcr.io/pipec-dev/pipec:latest"
	DefaultGitImage = "docker.io/alpine/git:2.47.2"
)

// Output is what a compile produced: the objects of each run, in the order
// they are applied.
type Output struct {
	Runs []*RunOutput
}

// RunOutput is the objects of one run.
type RunOutput struct {
	Name    string
	Kind    string // PipelineRun or TaskRun
	Objects []Object
}

// Object is one Kubernetes object with the rank that orders it (see
// FileName).
type Object struct {
	Rank int
	Kind string
	Name string
	Obj  any // a k8s.io/api object
}

// Ranks order the objects of a run, for -o DIR's file names: a coordinator
// needs its identity before it starts, and a pod its claims.
const (
	rankServiceAccount = iota
	rankRole
	rankRoleBinding
	rankPlan
	rankResults
	rankClaim
	rankJob
	rankCoordinator
)

// compilation is the state of one Compile.
type compilation struct {
	prog  *compiler.Program
	opts  Options
	diags diag.List
}

// Compile compiles the runs of a checked program. The program must be free
// of errors (lint.Run's); what pipec cannot compile is reported in the
// diagnostics, and a run with an error is left out of the output.
func Compile(prog *compiler.Program, opts Options) (*Output, []diag.Diagnostic) {
	if opts.Image == "" {
		opts.Image = DefaultImage
	}
	if opts.GitImage == "" {
		opts.GitImage = DefaultGitImage
	}
	c := &compilation{prog: prog, opts: opts}
	out := &Output{}
	found := false
	for _, r := range prog.Set.PipelineRuns {
		if opts.Run != "" && r.Name.Value != opts.Run {
			continue
		}
		found = true
		if ro := c.pipelineRun(r); ro != nil {
			out.Runs = append(out.Runs, ro)
		}
	}
	for _, r := range prog.Set.TaskRuns {
		if opts.Run != "" && r.Name.Value != opts.Run {
			continue
		}
		found = true
		if ro := c.taskRun(r); ro != nil {
			out.Runs = append(out.Runs, ro)
		}
	}
	c.checkOthers()
	if opts.Run != "" && !found {
		c.diags.Errorf(diag.Range{}, CodeUnresolved, "no PipelineRun or TaskRun named %q in the input", opts.Run)
	}
	// Input order must not change the output: runs are sorted by name,
	// and a name used twice is an error the checker reported.
	slices.SortStableFunc(out.Runs, func(a, b *RunOutput) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Kind, b.Kind))
	})
	return out, diag.Sort(c.diags)
}

// checkOthers reports input objects of kinds pipec cannot compile.
func (c *compilation) checkOthers() {
	for _, d := range c.prog.Set.Others {
		if d.IsTekton() && (d.Kind == "Run" || d.Kind == "CustomRun") {
			c.diags.Errorf(d.Root.Range(), CodeCustomTask, "%s %q runs a custom task, which pipec cannot compile", d.Kind, d.Name).
				Explain("A custom task is run by its own controller, which a plain Kubernetes cluster does not have. Write the work as a Task with steps.")
		}
	}
}

// notCompiled warns about run fields that have no effect in compiled
// objects: the controller that would read them is not there.
func (c *compilation) notCompiled(spec *source.Node, fields ...string) {
	for _, f := range fields {
		if k := spec.Key(f); k != nil {
			c.diags.Warnf(k.Range(), CodeDropped, "%s is not compiled: no Tekton controller runs the compiled objects", f).
				Explain("The field is read by Tekton's controllers (debugging, delegation to another controller); the compiled Jobs run without them.")
		}
	}
}

// errorf reports an error; the result takes an explanation and related
// positions.
func (c *compilation) errorf(r diag.Range, code, format string, args ...any) *diag.Diagnostic {
	return c.diags.Errorf(r, code, format, args...)
}

// hasErrorsSince reports whether errors were added after the first n
// diagnostics.
func (c *compilation) hasErrorsSince(n int) bool {
	return diag.HasErrors(c.diags[n:])
}

// nameOf returns a run's name for its objects.
func nameOf(o *model.Object) string {
	generated := o.Doc.Root.Path("metadata", "name") == nil
	return runName(o.Name.Value, generated)
}

// namespace returns the namespace of a run's objects: the option, else the
// run's own, else "" (where applied).
func (c *compilation) namespace(o *model.Object) string {
	if c.opts.Namespace != "" {
		return c.opts.Namespace
	}
	return o.Namespace
}

func quoted(s string) string { return fmt.Sprintf("%q", s) }
