package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/rogpeppe/go-internal/diff"
	"github.com/spf13/cobra"

	"github.com/pipec-dev/pipec/compiler"
	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/emit"
	"github.com/pipec-dev/pipec/lint"
	"github.com/pipec-dev/pipec/load"
	"github.com/pipec-dev/pipec/report"
)

type compileFlags struct {
	run, namespace, image, gitImage, sa, outDir, checkDir, format, config string
	params, workspaces, includes                                          []string
}

func newCompileCmd(stdio IO) *cobra.Command {
	var f compileFlags
	cmd := &cobra.Command{
		Use:   "compile [flags] PATH...",
		Short: "Compile PipelineRuns and TaskRuns into Kubernetes manifests",
		Long: `Compile turns every PipelineRun and TaskRun of the input (or the one named
by --run) into plain Kubernetes objects that run with no Tekton controller:
a suspended Job per pipeline task, the run's plan and results ConfigMaps,
and a coordinator Job with its ServiceAccount, Role and RoleBinding. A
TaskRun becomes one Job.

A Pipeline or Task is compiled by naming it with --run (or by giving an
input whose only runnable object it is), with --param, --workspace and
--service-account, as tkn ... start --dry-run would make a run of it.

The input is checked first, as pipec lint checks it but without the lint
rules: input with errors is not compiled. The configuration is pipec
lint's (.pipec.yaml, looked up in the working directory and its parents;
--config FILE names another, --config "" uses none): the lint rules it
raises to error run and stop the compile, and the other codes' settings
apply, except that an error of the checks or of the compile stays one,
whatever settings, exclusions and suppressions say. What pipec cannot
compile is reported with its position (pipec explain PC9004).

Output: YAML on stdout, or one file per object in -o DIR, named so that
kubectl apply -R -f DIR applies them in a working order. --check DIR
compares what would be written with DIR and prints a unified diff.

Exit status: 0 on success, 1 when the input has errors or --check finds a
difference, 2 for a usage, configuration or I/O error.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := lintConfig(cmd, f.config)
			if err != nil {
				return err
			}
			return runCompile(stdio, args, f, cfg.ForCompile())
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.run, "run", "", "compile only the PipelineRun or TaskRun of this name, or a run of the Pipeline or Task of this name")
	fl.StringArrayVar(&f.params, "param", nil, "NAME=VALUE for a Pipeline or Task; a JSON array or object is one (repeatable)")
	fl.StringArrayVar(&f.workspaces, "workspace", nil, "NAME=pvc:CLAIM|emptyDir|configMap:NAME|secret:NAME for a Pipeline or Task (repeatable)")
	fl.StringVar(&f.sa, "service-account", "", "service account of the tasks' pods")
	fl.StringVar(&f.namespace, "namespace", "", "namespace of every object (default: the run's, else where applied)")
	fl.StringVar(&f.image, "coordinator-image", emit.DefaultImage, "pipec image: runs the coordinator and installs the step wrapper")
	fl.StringVar(&f.gitImage, "git-image", emit.DefaultGitImage, "image of git PipelineResources' clone steps (needs sh and git)")
	fl.StringArrayVarP(&f.includes, "include", "I", nil, "directory to search for referenced Tasks, Pipelines and StepActions (repeatable)")
	fl.StringVarP(&f.outDir, "output", "o", "", "write one file per object into this directory")
	fl.StringVar(&f.checkDir, "check", "", "compare the output with this directory; exit 1 with a diff when they differ")
	fl.StringVarP(&f.format, "format", "f", "text", "format of diagnostics: text or json")
	fl.StringVar(&f.config, "config", "", `configuration file (default: .pipec.yaml in the working directory or a parent; "" for none)`)
	return cmd
}

// runCompile checks and compiles the input; cfg is the configuration's
// ForCompile.
func runCompile(stdio IO, args []string, f compileFlags, cfg *lint.Config) error {
	if f.outDir != "" && f.checkDir != "" {
		return errors.New("-o and --check cannot be used together")
	}
	rep, err := report.New(f.format)
	if err != nil {
		return err
	}
	set, err := load.Paths(args, stdio.In)
	if err != nil {
		return err
	}
	start, err := startFor(set, f)
	if err != nil {
		return err
	}
	run := f.run
	if start != nil {
		file, err := start.File()
		if err != nil {
			return err
		}
		set = load.Files(append(set.Files, file))
		run = start.RunName()
	}
	var lib *compiler.Library
	if len(f.includes) > 0 {
		if lib, err = compiler.LoadLibrary(f.includes); err != nil {
			return err
		}
	}
	res := lint.Run(set, lint.Options{Library: lib, Config: cfg})
	srcs := report.NewSources(set.Files)
	if diag.HasErrors(res.Diags) {
		if err := rep.Format(stdio.Err, res.Diags, srcs); err != nil {
			return err
		}
		fmt.Fprintln(stdio.Err, "pipec: the input has errors; nothing was compiled")
		return exitError{ExitFindings}
	}
	out, ds := emit.Compile(res.Program, emit.Options{
		Namespace: f.namespace, Image: f.image, GitImage: f.gitImage, ServiceAccount: f.sa, Run: run,
	})
	ds = cfg.Apply(ds)
	if len(ds) > 0 {
		if err := rep.Format(stdio.Err, ds, srcs); err != nil {
			return err
		}
	}
	if diag.HasErrors(ds) {
		return exitError{ExitFindings}
	}
	switch {
	case f.outDir != "":
		files, err := out.Files()
		if err != nil {
			return err
		}
		return writeDir(f.outDir, files)
	case f.checkDir != "":
		files, err := out.Files()
		if err != nil {
			return err
		}
		d, err := checkDir(f.checkDir, files)
		if err != nil {
			return err
		}
		if len(d) > 0 {
			stdio.Out.Write(d)
			return exitError{ExitFindings}
		}
		return nil
	}
	b, err := out.YAML()
	if err != nil {
		return err
	}
	_, err = stdio.Out.Write(b)
	return err
}

// startFor decides whether to make a run for a Pipeline or Task: when
// --run names one (and no run of that name exists), or when the input holds
// no run and exactly one Pipeline, or no Pipeline and exactly one Task.
// --param and --workspace make sense only then.
func startFor(set *load.Set, f compileFlags) (*emit.Start, error) {
	var runs, pipelines, tasks []string
	for _, d := range set.Docs {
		if !d.IsTekton() {
			continue
		}
		switch d.Kind {
		case "PipelineRun", "TaskRun":
			runs = append(runs, d.Name)
		case "Pipeline":
			pipelines = append(pipelines, d.Name)
		case "Task":
			tasks = append(tasks, d.Name)
		}
	}
	st := &emit.Start{Params: f.params, Workspaces: f.workspaces, ServiceAccount: f.sa}
	has := slices.Contains[[]string]
	switch {
	case f.run != "" && has(runs, f.run):
		st = nil
	case f.run != "" && has(pipelines, f.run):
		st.Kind, st.Name = "Pipeline", f.run
	case f.run != "" && has(tasks, f.run):
		st.Kind, st.Name = "Task", f.run
	case f.run != "":
		st = nil // Compile reports the missing run
	case len(runs) > 0:
		st = nil
	case len(pipelines) == 1:
		st.Kind, st.Name = "Pipeline", pipelines[0]
	case len(pipelines) == 0 && len(tasks) == 1:
		st.Kind, st.Name = "Task", tasks[0]
	case len(pipelines)+len(tasks) > 1:
		return nil, fmt.Errorf("the input holds no run and several Pipelines or Tasks (%s): name one with --run",
			strings.Join(append(pipelines, tasks...), ", "))
	default:
		return nil, errors.New("the input holds no PipelineRun, TaskRun, Pipeline or Task")
	}
	if st == nil && (len(f.params) > 0 || len(f.workspaces) > 0) {
		return nil, errors.New("--param and --workspace are for compiling a Pipeline or Task; this compiles runs, which give their own")
	}
	return st, nil
}

// outputFile matches the names of the files pipec compile writes.
var outputFile = regexp.MustCompile(`^[0-9][0-9]-[a-z]+-[a-z0-9.-]+\.yaml$`)

// writeDir writes files into dir, replacing the output of an earlier
// compile (stale objects must not be applied) but refusing to touch a
// directory that holds anything else.
func writeDir(dir string, files []emit.File) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	case err != nil:
		return err
	}
	for _, e := range entries {
		if e.IsDir() || !outputFile.MatchString(e.Name()) {
			return fmt.Errorf("-o %s: the directory holds %s, which pipec did not write; give an empty directory", dir, e.Name())
		}
	}
	for _, e := range entries {
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// checkDir returns a unified diff between dir's YAML files and files, empty
// when they are the same. A diff library is used rather than hand-written:
// go-internal's is Go's own (cmd/internal/diff), an anchored diff that is
// O(n log n) on any input, already in the module graph.
func checkDir(dir string, files []emit.File) ([]byte, error) {
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	have := map[string][]byte{}
	for _, e := range entries {
		if e.IsDir() || !load.IsInput(e.Name()) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		have[e.Name()] = b
	}
	var out bytes.Buffer
	for _, f := range files {
		old, ok := have[f.Name]
		delete(have, f.Name)
		oldName := filepath.Join(dir, f.Name)
		if !ok {
			oldName = "/dev/null"
		}
		if d := diff.Diff(oldName, old, filepath.Join(dir, f.Name)+" (compiled)", f.Data); d != nil {
			out.Write(d)
		}
	}
	for _, name := range sortedNames(have) {
		out.Write(diff.Diff(filepath.Join(dir, name), have[name], "/dev/null", nil))
	}
	return out.Bytes(), nil
}

func sortedNames(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
