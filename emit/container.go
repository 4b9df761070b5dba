package emit

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/ref"
	"github.com/pipec-dev/pipec/source"
)

// Paths the compiled pods share with the step wrapper (docs/design.md).
const (
	wrapperPath  = "/pipec/bin/pipec"
	pipecDir     = "/pipec"
	resultsDir   = "/tekton/results"
	stepsDir     = "/tekton/steps"
	workspaceDir = "/workspace"
	credsDir     = "/tekton/creds-secrets"
	credsHome    = "/tekton/creds" // $(credentials.path)

	volPipec     = "pipec-bin"
	volResults   = "pipec-results"
	volSteps     = "pipec-steps"
	volWorkspace = "pipec-workspace"
	volCreds     = "pipec-creds"
)

// wrapperFields are the step fields the wrapper substitutes into, and so
// the only ones that may hold run-time values.
var wrapperFields = map[string]bool{"command": true, "args": true, "env": true, "workingDir": true, "script": true}

// built is a step or sidecar compiled to a container.
type built struct {
	c       corev1.Container
	needs   []string // value keys read from the results ConfigMap
	wrapped bool
}

// substStep substitutes s's fields in place, the fields Tekton substitutes
// in a step (container_replacements.go): name, image, imagePullPolicy,
// command, args, env values and the names and keys they reference, envFrom,
// workingDir, volumeMounts, script, onError and the output paths.
func substStep(s *stepDef, sub *substituter) {
	s.name = sub.text(s.name)
	for k, v := range s.c {
		switch k {
		case "image", "imagePullPolicy", "workingDir":
			if str, ok := v.(string); ok {
				s.c[k] = sub.text(str)
			}
		case "command", "args":
			s.c[k] = toAnyList(sub.list(toStrings(v)))
		case "env":
			eachMap(v, func(e map[string]any) {
				substKey(e, "value", sub)
				if from, ok := e["valueFrom"].(map[string]any); ok {
					for _, sel := range []string{"secretKeyRef", "configMapKeyRef"} {
						if m, ok := from[sel].(map[string]any); ok {
							substKey(m, "name", sub)
							substKey(m, "key", sub)
						}
					}
				}
			})
		case "envFrom":
			eachMap(v, func(e map[string]any) {
				substKey(e, "prefix", sub)
				for _, sel := range []string{"configMapRef", "secretRef"} {
					if m, ok := e[sel].(map[string]any); ok {
						substKey(m, "name", sub)
					}
				}
			})
		case "volumeMounts":
			eachMap(v, func(e map[string]any) {
				substKey(e, "name", sub)
				substKey(e, "mountPath", sub)
				substKey(e, "subPath", sub)
			})
		}
	}
	s.script = sub.text(s.script)
	s.onError = sub.text(s.onError)
	s.timeout = sub.text(s.timeout)
	s.stdout = sub.text(s.stdout)
	s.stderr = sub.text(s.stderr)
}

func substKey(m map[string]any, key string, sub *substituter) {
	if s, ok := m[key].(string); ok {
		m[key] = sub.text(s)
	}
}

// runTimeUse is what a step's substituted fields need at run time.
type runTimeUse struct {
	keys    []string
	matrix  bool
	files   bool // $(steps.S.results.R)
	workdir bool // workingDir holds a run-time value
}

// scanRunTime finds the run-time references left in s and reports those in
// fields the wrapper cannot reach: the kubelet needs the image, mounts and
// the rest when it creates the container, before any value is known.
func (tc *taskCompiler) scanRunTime(s *stepDef) (runTimeUse, bool) {
	var use runTimeUse
	ok := true
	seen := map[string]bool{}
	check := func(field string, at *source.Node, text string) {
		for _, r := range ref.Find(text) {
			rt, isRT := tc.classify(r)
			if !isRT {
				continue
			}
			if !wrapperFields[field] {
				what := "a run-time value"
				if rt.matrix {
					what = "a matrix param, which differs between the pods of one Job"
				}
				tc.c.errorf(rangeOf(at, s.node), CodeRunTimeField, "%s depends on %s (%s)", stepField(s, field), what, r.Text(text)).
					With(tc.in.at, tc.in.what()).
					Explain("The kubelet needs this field to create the container, before the run produces the value; pipec passes run-time values only into a step's script, command, args, env values and workingDir. Move the value into one of those, or make it a param known when the run starts.")
				ok = false
				continue
			}
			switch {
			case rt.matrix:
				use.matrix = true
			case rt.file:
				use.files = true
			case rt.key != "" && !seen[rt.key]:
				seen[rt.key] = true
				use.keys = append(use.keys, rt.key)
			}
			if field == "workingDir" {
				use.workdir = true
			}
		}
	}
	for k, v := range s.c {
		walkStrings(v, func(str string) { check(k, s.at[k], str) })
	}
	check("script", s.at["script"], s.script)
	for _, f := range []struct{ name, text string }{{"timeout", s.timeout}, {"onError", s.onError}, {"stdoutConfig", s.stdout}, {"stderrConfig", s.stderr}} {
		check(f.name, s.at[f.name], f.text)
	}
	check("name", s.node.Get("name"), s.name)
	slices.Sort(use.keys)
	return use, ok
}

func stepField(s *stepDef, field string) string {
	what := "step"
	if s.sidecar {
		what = "sidecar"
	}
	if s.name != "" {
		what += " " + quoted(s.name)
	}
	return what + "'s " + field
}

// rangeOf is n's range, or else fallback's.
func rangeOf(n, fallback *source.Node) diag.Range {
	if n != nil {
		return n.Range()
	}
	return fallback.Range()
}

// wrapperOpts is what a step's wrapper command line carries beyond the step.
type wrapperOpts struct {
	results []string // the task's results: the pod's last step
	creds   []string // credential flags
	// exitCode: a later step reads this step's exit code file, which the
	// wrapper writes.
	exitCode bool
}

// buildStep compiles a substituted step or sidecar into a container.
func (tc *taskCompiler) buildStep(s *stepDef, wo wrapperOpts) (*built, bool) {
	use, ok := tc.scanRunTime(s)
	if !ok {
		return nil, false
	}
	prefix := "step"
	if s.sidecar {
		prefix = "sidecar"
	}
	c := s.c
	cmd := toStrings(c["command"])
	needs := s.script != "" || len(use.keys) > 0 || use.matrix || use.files || len(s.results) > 0 || wo.exitCode
	if !s.sidecar {
		needs = needs || s.timeout != "" || s.onError == "continue" || s.stdout != "" || s.stderr != "" || len(wo.results) > 0
	}
	if len(wo.creds) > 0 && !s.sidecar {
		if len(cmd) > 0 || s.script != "" {
			needs = true
		} else {
			tc.c.diags.Warnf(s.node.Range(), CodeNoCreds, "the service account's credentials are not initialised in step %q, which has no command", s.stepName()).
				Explain("pipec cannot look up an image's entrypoint, so a step without command or script runs as is, without the wrapper that writes credentials into $HOME. Give the step a command to have them.")
		}
	}
	if needs && len(cmd) == 0 && s.script == "" {
		tc.c.errorf(s.node.Range(), CodeNoCommand, "%s %q needs the step wrapper (%s) but has neither command nor script",
			prefix, s.stepName(), whyWrapped(s, use, wo)).
			With(tc.in.at, tc.in.what()).
			Explain("pipec runs such a step through /pipec/bin/pipec step, which must be told what to run: pipec cannot look up the image's entrypoint the way Tekton's controller does. Add the image's entrypoint as the step's command.")
		return nil, false
	}
	out := map[string]any{}
	for k, v := range c {
		out[k] = v
	}
	out["name"] = containerName(prefix, s.stepName())
	if s.sidecar {
		out["restartPolicy"] = "Always"
		tc.sidecarProbe(s, out)
	}
	b := &built{wrapped: needs, needs: nil}
	if needs {
		args := []string{wrapperPath, "step", "--name", s.stepName()}
		if s.timeout != "" && !s.sidecar {
			d, err := time.ParseDuration(s.timeout)
			if err != nil {
				tc.c.errorf(rangeOf(s.at["timeout"], s.node), CodeUnsupported, "step timeout %q is not a duration", s.timeout)
				return nil, false
			}
			args = append(args, "--timeout", d.String())
		}
		if s.onError == "continue" && !s.sidecar {
			args = append(args, "--on-error", "continue")
		}
		if s.stdout != "" {
			args = append(args, "--stdout", s.stdout)
		}
		if s.stderr != "" {
			args = append(args, "--stderr", s.stderr)
		}
		if use.workdir {
			args = append(args, "--workdir", c["workingDir"].(string))
			delete(out, "workingDir")
		}
		if len(wo.results) > 0 {
			args = append(args, "--results", strings.Join(wo.results, ","))
		}
		if len(s.results) > 0 {
			args = append(args, "--step-results", strings.Join(s.results, ","))
		}
		args = append(args, wo.creds...)
		if s.script != "" {
			args = append(args, "--script", escapeKubelet(s.script))
		}
		args = append(args, "--")
		if s.script == "" {
			args = append(args, cmd...)
		}
		out["command"] = toAnyList(args)
		var env []any
		if e, ok := c["env"].([]any); ok {
			env = slices.Clone(e)
		}
		for _, k := range use.keys {
			env = append(env, toAny(tc.envFor(k)))
		}
		if use.matrix {
			env = append(env, map[string]any{"name": envMatrix, "value": tc.in.matrix.json})
		}
		if len(env) > 0 {
			out["env"] = env
		}
		for _, k := range use.keys {
			if _, downward := fieldPaths[k]; !downward {
				b.needs = append(b.needs, k)
			}
		}
	}
	var ctr corev1.Container
	if err := decodeAny(out, &ctr); err != nil {
		tc.c.errorf(s.node.Range(), CodeUnsupported, "%s %q does not make a valid container: %v", prefix, s.stepName(), err)
		return nil, false
	}
	b.c = ctr
	return b, true
}

// whyWrapped names the first reason a step needs the wrapper.
func whyWrapped(s *stepDef, use runTimeUse, wo wrapperOpts) string {
	switch {
	case len(use.keys) > 0 || use.files:
		return "it uses run-time values"
	case use.matrix:
		return "it uses matrix params"
	case s.timeout != "":
		return "it has a timeout"
	case s.onError == "continue":
		return "onError: continue"
	case s.stdout != "" || s.stderr != "":
		return "it captures its output"
	case len(wo.results) > 0:
		return "it is the last step, which reports the task's results"
	case len(s.results) > 0:
		return "it has step results"
	case wo.exitCode:
		return "a later step reads its exit code"
	}
	return "its credentials"
}

// sidecarProbe turns a sidecar's readinessProbe into its startupProbe: the
// kubelet starts the next init container once a native sidecar has started,
// and "started" means its startupProbe passed, so the steps wait for the
// sidecar to be ready, as Tekton makes them.
func (tc *taskCompiler) sidecarProbe(s *stepDef, out map[string]any) {
	rp, ok := out["readinessProbe"].(map[string]any)
	if !ok {
		return
	}
	if _, has := out["startupProbe"]; has {
		return // the sidecar says itself when it has started
	}
	sp := make(map[string]any, len(rp))
	for k, v := range rp {
		sp[k] = v
	}
	if t, ok := sp["successThreshold"]; ok && toString(t) != "1" {
		tc.c.diags.Warnf(rangeOf(s.at["readinessProbe"].Get("successThreshold"), s.node), CodeProbe, "sidecar %q's readinessProbe has successThreshold %s; as its startupProbe it is 1", s.stepName(), toString(t)).
			Explain("Kubernetes requires a startupProbe's successThreshold to be 1.")
		sp["successThreshold"] = 1
	}
	out["startupProbe"] = sp
	delete(out, "readinessProbe")
}

// decodeAny converts a JSON-shaped value into a Kubernetes type.
func decodeAny(v any, into any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, into)
}

// toAny converts a Kubernetes value into its JSON shape.
func toAny(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // k8s.io/api types always marshal
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return out
}
