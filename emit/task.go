package emit

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/model"
	"github.com/pipec-dev/pipec/plan"
	"github.com/pipec-dev/pipec/ref"
	"github.com/pipec-dev/pipec/source"
)

// taskInput is everything that decides one task's Job.
type taskInput struct {
	run     *runContext
	task    string // the pipeline task's name; "" for a TaskRun
	job     string
	spec    *model.TaskSpec
	at      diag.Range // the pipeline task or TaskRun, for diagnostics
	inline  bool
	outer   *substituter      // the pipeline's phases, for an inline taskSpec
	params  map[string]*value // passed by the pipeline task or the run
	matrix  *matrixInfo
	ws      map[string]*boundWorkspace // by the task's workspace name
	inputs  map[string]*boundResource  // by the task's resource name
	outputs map[string]*boundResource

	serviceAccount string
	podTemplate    *podTemplate
	podTemplateAt  *source.Node // the task's podTemplate, or the run's
	timeout        *time.Duration
	retries        int
	suspend        bool
	labels         map[string]string
	annotations    map[string]string
	contextTask    string // $(context.task.name)

	stepSpecs, sidecarSpecs, computeResources *source.Node
}

// taskCompiler compiles one task.
type taskCompiler struct {
	c  *compilation
	in *taskInput
	// wsPath is each workspace's mount path, substituted; isolated names
	// the workspaces some step or sidecar lists as its own.
	wsPath   map[string]string
	isolated map[string]bool
	// credsPath is set when a step reads $(credentials.path): the pod then
	// gets a memory-backed directory there.
	credsPath bool
}

// readsCredsPath reports whether any string of the task refers to
// $(credentials.path).
func readsCredsPath(spec *model.TaskSpec) bool {
	found := false
	source.Walk(spec.Node, func(_ []source.PathElem, n *source.Node) bool {
		if n.Kind == source.String && strings.Contains(n.Value, "credentials.path") {
			for _, r := range ref.Find(n.Value) {
				found = found || strings.Join(r.Names(), ".") == "credentials.path"
			}
		}
		return !found
	})
	return found
}

// taskOutput is a compiled task.
type taskOutput struct {
	job     *batchv1.Job
	needs   []string
	results []plan.ResultSpec
	claims  []string // ReadWriteOnce claims it mounts
}

// what names the task being compiled, for a diagnostic's related position.
func (in *taskInput) what() string {
	if in.task != "" && in.run.name != in.task {
		return "compiled for pipeline task " + quoted(in.task) + " of run " + quoted(in.run.name)
	}
	return "compiled for run " + quoted(in.run.name)
}

func (tc *taskCompiler) unsupported(k *source.Node, what string) {
	tc.c.errorf(k.Range(), CodeUnsupported, "pipec has no compilation for %s", what).
		Explain("Every field of the input either reaches the output or is reported; this one has no place in a Job.")
}

// paramValues are the values of the task's params: those passed, then the
// defaults. A default that names other params gets their values, one level
// deep, as Tekton resolves it.
func (tc *taskCompiler) paramValues() map[string]*value {
	vals := make(map[string]*value, len(tc.in.spec.Params)+len(tc.in.params))
	maps.Copy(vals, tc.in.params)
	var deferred []*model.ParamSpec
	for _, p := range tc.in.spec.Params {
		if _, ok := vals[p.Name.Value]; ok || p.Default == nil {
			continue
		}
		if p.Default.Type == model.TypeString && strings.Contains(p.Default.Str, "$(params.") {
			deferred = append(deferred, p)
			continue
		}
		vals[p.Name.Value] = fromModel(p.Default)
	}
	pp := paramPhase{vals: vals}
	for _, p := range deferred {
		vals[p.Name.Value] = stringValue(applyPhase(pp, p.Default.Str))
	}
	return vals
}

// phases returns the task's substitution phases after params, in Tekton's
// order: context, workspaces, results paths, step exit code paths,
// PipelineResources. step adds the step's own ($(step.results…), its
// isolated workspace paths); nil for the task's other fields.
func (tc *taskCompiler) phases(params phase, steps []*stepDef, step *stepDef) *substituter {
	in := tc.in
	ctx := map[string]string{
		"context.taskRun.name": in.job,
		"context.task.name":    in.contextTask,
	}
	if ns := in.run.ns; ns != "" {
		ctx["context.taskRun.namespace"] = ns
	}
	ws := map[string]string{}
	for _, d := range in.spec.Workspaces {
		w := "workspaces." + d.Name.Value + "."
		b := in.ws[d.Name.Value]
		if b == nil {
			ws[w+"bound"], ws[w+"path"], ws[w+"claim"], ws[w+"volume"] = "false", "", "", ""
			continue
		}
		ws[w+"bound"] = "true"
		ws[w+"path"] = tc.mountPath(d, step)
		ws[w+"claim"] = b.claim
		ws[w+"volume"] = b.volume
	}
	res := map[string]string{}
	for _, r := range in.spec.Results {
		res["results."+r.Name.Value+".path"] = resultsDir + "/" + r.Name.Value
	}
	if step != nil {
		for _, r := range step.results {
			res["step.results."+r+".path"] = stepsDir + "/step-" + step.stepName() + "/results/" + r
		}
	}
	// $(credentials.path) is where the wrapper also writes credentials,
	// as Tekton's entrypoint does before copying them to $HOME.
	exit := map[string]string{"credentials.path": credsHome}
	for _, s := range steps {
		exit["steps.step-"+s.stepName()+".exitCode.path"] = stepsDir + "/step-" + s.stepName() + "/exitCode"
	}
	return &substituter{phases: []phase{params, mapPhase(ctx), mapPhase(ws), mapPhase(res), mapPhase(exit), mapPhase(tc.resourceValues())}}
}

// mountPath is where workspace d is mounted in step (nil: the default).
func (tc *taskCompiler) mountPath(d *model.WorkspaceDecl, step *stepDef) string {
	if step != nil {
		for _, u := range step.usages {
			if u.Name.Value == d.Name.Value && u.MountPath.Value != "" {
				return u.MountPath.Value
			}
		}
	}
	if p, ok := tc.wsPath[d.Name.Value]; ok {
		return p
	}
	return d.MountPath
}

// prepareWorkspaces substitutes the workspaces' mount paths (Tekton
// substitutes params into them) and finds the isolated ones.
func (tc *taskCompiler) prepareWorkspaces(pp phase, steps []*stepDef) {
	tc.wsPath = map[string]string{}
	tc.isolated = map[string]bool{}
	sub := &substituter{phases: []phase{pp}}
	for _, d := range tc.in.spec.Workspaces {
		tc.wsPath[d.Name.Value] = sub.text(d.MountPath)
	}
	for _, s := range steps {
		for _, u := range s.usages {
			tc.isolated[u.Name.Value] = true
		}
	}
}

// stepParamSubst substitutes a step's StepAction param values: the
// pipeline's phases for an inline spec, then the task's params.
func (tc *taskCompiler) stepParamSubst() *substituter {
	s := &substituter{phases: []phase{tc.paramPhase()}}
	if tc.in.outer != nil {
		s = tc.in.outer.then(s.phases...)
	}
	return s
}

func (tc *taskCompiler) paramPhase() paramPhase {
	pp := paramPhase{vals: tc.paramValues(), inputs: true}
	if tc.in.matrix != nil {
		pp.leave = tc.in.matrix.names
	}
	return pp
}

// compile builds the task's Job.
func (tc *taskCompiler) compile() *taskOutput {
	in := tc.in
	start := len(tc.c.diags)
	for _, r := range in.spec.Results {
		if r.Value != nil {
			tc.c.errorf(r.Value.Range(), CodeStepResultValue, "task result %q takes its value from a step result, which pipec does not compile", r.Name.Value).
				Explain("Copy the value in the step that produces it: cp %s/step-STEP/results/RESULT $(results.%s.path).", stepsDir, r.Name.Value)
		}
	}
	tc.checkResourceTypes()
	steps, sidecars := tc.stepDefs()
	steps = append(tc.cloneSteps(), steps...)
	pp := tc.paramPhase()
	tc.prepareWorkspaces(pp, append(slices.Clip(steps), sidecars...))
	// Substitute every step, then drop those whose when is false.
	var kept []*stepDef
	for _, s := range append(slices.Clip(steps), sidecars...) {
		sub := tc.phases(pp, steps, s)
		if s.action != nil {
			sub = s.action.then(sub.phases...)
		} else if in.outer != nil && !s.clone {
			sub = in.outer.then(sub.phases...)
		}
		substStep(s, sub)
		if !s.sidecar && !tc.stepWhen(s, sub) {
			continue
		}
		kept = append(kept, s)
	}
	steps, sidecars = nil, nil
	for _, s := range kept {
		if s.sidecar {
			sidecars = append(sidecars, s)
		} else {
			steps = append(steps, s)
		}
	}
	if len(steps) == 0 {
		tc.c.errorf(in.at, CodeUnsupported, "no step of the task runs").
			Explain("Every step's when expression is false, and a pod needs a container.")
		return nil
	}
	readExit := tc.exitCodesRead(steps)
	creds, credVols, credMounts := tc.c.creds(in.serviceAccount)
	var results []string
	for _, r := range in.spec.Results {
		results = append(results, r.Name.Value)
	}
	var needs []string
	var initCs, mainCs []corev1.Container
	wrapped := false
	for i, s := range append(slices.Clip(sidecars), steps...) {
		wo := wrapperOpts{exitCode: readExit[s.stepName()] && !s.sidecar}
		if !s.sidecar {
			wo.creds = creds
			if i == len(sidecars)+len(steps)-1 {
				wo.results = results
			}
		}
		b, ok := tc.buildStep(s, wo)
		if !ok {
			continue
		}
		needs = append(needs, b.needs...)
		wrapped = wrapped || b.wrapped
		tc.mounts(&b.c, s, b.wrapped, credMounts)
		if i == len(sidecars)+len(steps)-1 {
			mainCs = append(mainCs, b.c)
		} else {
			initCs = append(initCs, b.c)
		}
	}
	if tc.c.hasErrorsSince(start) {
		return nil
	}
	if wrapped {
		initCs = append([]corev1.Container{{
			Name:         "pipec-init",
			Image:        tc.c.opts.Image,
			Command:      []string{"pipec", "install", pipecDir + "/bin"},
			VolumeMounts: []corev1.VolumeMount{{Name: volPipec, MountPath: pipecDir}},
		}}, initCs...)
		setMessageLimit(initCs, mainCs)
	}
	pod := corev1.PodSpec{
		RestartPolicy:      corev1.RestartPolicyNever,
		ServiceAccountName: in.serviceAccount,
		InitContainers:     initCs,
		Containers:         mainCs,
	}
	if in.timeout != nil && *in.timeout > 0 {
		secs := int64((*in.timeout + time.Second - 1) / time.Second)
		pod.ActiveDeadlineSeconds = &secs
	}
	pod.Volumes = tc.volumes(wrapped, credVols, pp)
	tc.applyPodTemplate(&pod, pp)
	if tc.c.hasErrorsSince(start) {
		return nil
	}
	completions := int32(1)
	if in.matrix != nil {
		completions = int32(len(in.matrix.combos))
	}
	indexed := batchv1.IndexedCompletion
	retries := int32(in.retries)
	failed := batchv1.Failed
	lbl := labels(in.run.name, in.task)
	podLabels := maps.Clone(in.labels)
	if podLabels == nil {
		podLabels = map[string]string{}
	}
	maps.Copy(podLabels, lbl)
	job := &batchv1.Job{
		TypeMeta:   metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"},
		ObjectMeta: tc.c.meta(in.job, in.run, maps.Clone(podLabels), in.annotations),
		Spec: batchv1.JobSpec{
			Suspend:              &in.suspend,
			CompletionMode:       &indexed,
			Completions:          &completions,
			Parallelism:          &completions,
			BackoffLimitPerIndex: &retries,
			PodReplacementPolicy: &failed,
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: podLabels, Annotations: in.annotations},
				Spec:       pod,
			},
		},
	}
	slices.Sort(needs)
	out := &taskOutput{job: job, needs: slices.Compact(needs), claims: tc.rwoClaims()}
	for _, r := range in.spec.Results {
		rs := plan.ResultSpec{Name: r.Name.Value}
		if r.Type != model.TypeString {
			rs.Type = r.Type
		}
		out.results = append(out.results, rs)
	}
	return out
}

// Kubernetes keeps at most 4096 bytes of a container's termination message,
// and 12288 for all of a pod's containers together.
const (
	maxMessage    = 4096
	maxPodMessage = 12288
)

// setMessageLimit tells the wrappers that write a termination message
// (results, step results) how much of it the kubelet will keep in this pod,
// so that they fail with a clear message rather than be cut.
func setMessageLimit(initCs, mainCs []corev1.Container) {
	n := len(initCs) + len(mainCs)
	limit := strconv.Itoa(min(maxMessage, maxPodMessage/n))
	for _, cs := range [][]corev1.Container{initCs, mainCs} {
		for i := range cs {
			cmd := cs[i].Command
			if len(cmd) < 4 || cmd[0] != wrapperPath || !slices.ContainsFunc(cmd, func(a string) bool { return a == "--results" || a == "--step-results" }) {
				continue
			}
			cs[i].Command = slices.Concat(cmd[:4], []string{"--message-limit", limit}, cmd[4:])
		}
	}
}

// exitCodesRead returns the steps whose exit code file a later step reads.
func (tc *taskCompiler) exitCodesRead(steps []*stepDef) map[string]bool {
	read := map[string]bool{}
	for _, s := range steps {
		walkStrings(map[string]any{"c": s.c, "s": s.script}, func(str string) {
			for _, o := range steps {
				if strings.Contains(str, stepsDir+"/step-"+o.stepName()+"/exitCode") {
					read[o.stepName()] = true
				}
			}
		})
	}
	return read
}

// stepWhen evaluates a step's when expressions, which the compiler can do
// when their values are known: a step whose expressions do not all hold is
// left out, as Tekton skips it.
func (tc *taskCompiler) stepWhen(s *stepDef, sub *substituter) bool {
	run := true
	for _, w := range s.when {
		if cel := w.Get("cel"); cel != nil {
			tc.c.errorf(cel.Range(), CodeCEL, "CEL when expressions are not compiled").
				Explain("pipec evaluates when expressions without a CEL interpreter; write it with input, operator and values.")
			return false
		}
		input := sub.text(w.Str("input"))
		var vals []string
		for _, v := range w.Get("values").Items() {
			vals = append(vals, v.Value)
		}
		vals = sub.list(vals)
		for _, t := range append([]string{input}, vals...) {
			if refs := refsOfText(t); len(refs) > 0 {
				tc.c.errorf(w.Range(), CodeStepWhen, "step %q's when expression depends on %s, known only at run time", s.stepName(), refs[0].Text(t)).
					Explain("pipec decides a step's when at compile time, and leaves out a step whose when is false; test the value in the step's script instead.")
				return false
			}
		}
		in := slices.Contains(vals, input)
		switch w.Str("operator") {
		case "in":
			run = run && in
		case "notin":
			run = run && !in
		}
	}
	return run
}

// meta is the metadata of a run's object.
func (c *compilation) meta(name string, rc *runContext, lbl, ann map[string]string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Namespace: rc.ns, Labels: lbl, Annotations: ann}
}

func itoa(i int) string { return strconv.Itoa(i) }
