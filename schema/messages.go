package schema

import (
	"fmt"
	"strings"

	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/load"
	"github.com/pipec-dev/pipec/source"
)

// describe names the kinds of a type for "expected …" messages.
func describe(k kindSet) string {
	var names []string
	if k&kMap != 0 {
		names = append(names, "map")
	}
	if k&kList != 0 {
		names = append(names, "list")
	}
	if k&kString != 0 {
		names = append(names, "string")
	}
	switch {
	case k&kNumber == kNumber:
		names = append(names, "number")
	case k&kInt != 0:
		names = append(names, "int")
	case k&kFloat != 0:
		names = append(names, "float")
	}
	if k&kBool != 0 {
		names = append(names, "bool")
	}
	if k&kNull != 0 {
		names = append(names, "null")
	}
	return orList(names)
}

func orList(items []string) string {
	switch len(items) {
	case 0:
		return "nothing"
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

func (v *validator) typeError(n *source.Node, t *typeDef) {
	d := v.diags.Errorf(n.Range(), CodeType, "expected %s, got %s", describe(t.Kinds), n.Kind)
	switch {
	case n.Kind == source.Float && t.Kinds&kInt != 0:
		d.Explain("This field holds a whole number%s.", v.where())
	case n.IsScalar() && t.Kinds&kString != 0 && n.Kind != source.Null:
		d.Explain("Quote the value to make it a string%s.", v.where())
	default:
		d.Explain("Tekton rejects the object when a field has the wrong type%s.", v.where())
	}
}

func (v *validator) checkEnum(n *source.Node, t *typeDef) {
	for _, e := range t.Enum {
		if n.Value == e {
			return
		}
	}
	for _, p := range t.Patterns {
		if patterns[p].MatchString(n.Value) {
			return
		}
	}
	q := make([]string, 0, len(t.Enum)+len(t.Patterns))
	for _, e := range t.Enum {
		q = append(q, fmt.Sprintf("%q", e))
	}
	for _, p := range t.Patterns {
		q = append(q, patternName(patternSources[p]))
	}
	d := v.diags.Errorf(n.Range(), CodeEnum, "invalid value %q: expected %s", n.Value, orList(q))
	if s := diag.Closest(n.Value, t.Enum); s != "" {
		d.Suggestion = s
		d.Explain("%s", diag.DidYouMean(n.Value, t.Enum))
	}
}

// patternName describes the strings a pattern of the schema accepts.
func patternName(re string) string {
	if strings.HasPrefix(re, `^\$\(params`) {
		return "a $(params…) reference"
	}
	return "a string matching " + re
}

// yaml11Bools are the plain scalars YAML 1.1 reads as booleans but YAML
// 1.2 (and so yaml.v3) reads as strings. The Kubernetes API server reads
// YAML 1.1.
var yaml11Bools = map[string]bool{
	"y": true, "Y": true, "yes": true, "Yes": true, "YES": true,
	"n": true, "N": true, "no": true, "No": true, "NO": true,
	"on": true, "On": true, "ON": true, "off": true, "Off": true, "OFF": true,
}

// checkBool reports a plain yes/no/on/off where a string is expected.
func (v *validator) checkBool(n *source.Node, t *typeDef) {
	if n.Style != source.Plain || !yaml11Bools[n.Value] {
		return
	}
	if t.Kinds&kBool != 0 {
		v.diags.Warnf(n.Range(), CodeYAMLBool, "unquoted %s is a boolean to Kubernetes", n.Value).
			Explain("Kubernetes reads YAML 1.1, where %s is a boolean, and Tekton turns it into the string %q. Quote it to keep %q%s.",
				n.Value, yaml11Value(n.Value), n.Value, v.where())
		return
	}
	v.diags.Errorf(n.Range(), CodeYAMLBool, "unquoted %s is a boolean to Kubernetes, not a string", n.Value).
		Explain("Kubernetes reads YAML 1.1, where %s is a boolean, and rejects it here. Quote it: %q%s.",
			n.Value, n.Value, v.where())
}

func yaml11Value(s string) string {
	switch strings.ToLower(s) {
	case "y", "yes", "on":
		return "true"
	}
	return "false"
}

// renamed explains unknown fields that an older API version had.
var renamed = map[string]string{
	"TaskSpec.resources":                         "PipelineResources were removed in tekton.dev/v1: use workspaces (and a Task such as git-clone) instead, or keep apiVersion tekton.dev/v1beta1.",
	"PipelineSpec.resources":                     "PipelineResources were removed in tekton.dev/v1: use workspaces instead, or keep apiVersion tekton.dev/v1beta1.",
	"PipelineTask.resources":                     "PipelineResources were removed in tekton.dev/v1: pass workspaces to the task instead.",
	"PipelineRunSpec.resources":                  "PipelineResources were removed in tekton.dev/v1: bind workspaces and pass params instead.",
	"TaskRunSpec.resources":                      "PipelineResources were removed in tekton.dev/v1: bind workspaces and pass params instead.",
	"Step.resources":                             "In tekton.dev/v1 a step's resources are computeResources.",
	"StepTemplate.resources":                     "In tekton.dev/v1 the step template's resources are computeResources.",
	"Sidecar.resources":                          "In tekton.dev/v1 a sidecar's resources are computeResources.",
	"PipelineRunSpec.serviceAccountName":         "In tekton.dev/v1 it is spec.taskRunTemplate.serviceAccountName.",
	"PipelineRunSpec.podTemplate":                "In tekton.dev/v1 it is spec.taskRunTemplate.podTemplate.",
	"PipelineRunSpec.timeout":                    "In tekton.dev/v1 it is spec.timeouts.pipeline.",
	"PipelineTaskRunSpec.taskServiceAccountName": "In tekton.dev/v1 it is serviceAccountName.",
	"PipelineTaskRunSpec.taskPodTemplate":        "In tekton.dev/v1 it is podTemplate.",
	"PipelineTaskRunSpec.stepOverrides":          "In tekton.dev/v1 it is stepSpecs, whose entries set computeResources.",
	"PipelineTaskRunSpec.sidecarOverrides":       "In tekton.dev/v1 it is sidecarSpecs, whose entries set computeResources.",
	"TaskRunSpec.stepOverrides":                  "In tekton.dev/v1 it is stepSpecs, whose entries set computeResources.",
	"TaskRunSpec.sidecarOverrides":               "In tekton.dev/v1 it is sidecarSpecs, whose entries set computeResources.",
	"TaskRef.bundle":                             "Bundles are referenced with resolver: bundles and params.",
	"PipelineRef.bundle":                         "Bundles are referenced with resolver: bundles and params.",
	"PipelineTask.conditions":                    "Conditions were removed: use when expressions.",
}

func (v *validator) unknownField(key *source.Node, s *structDef) {
	d := v.diags.Errorf(key.Range(), CodeUnknownField, "unknown field %q", key.Value)
	var sentences []string
	names := s.names()
	if c := diag.Closest(key.Value, names); c != "" {
		d.Suggestion = c
		sentences = append(sentences, diag.DidYouMean(key.Value, names))
	} else if c := closestFold(key.Value, names); c != "" {
		d.Suggestion = c
		sentences = append(sentences, "did you mean \""+c+"\"?")
	}
	if hint := renamed[s.Name+"."+key.Value]; hint != "" {
		sentences = append(sentences, hint)
	}
	sentences = append(sentences, fmt.Sprintf("%s has no field %q%s, and Tekton rejects unknown fields.", s.Name, key.Value, v.where()))
	d.Detail = strings.Join(sentences, " ")
}

// closestFold finds a candidate equal to name but for case, which edit
// distance misses for long names written in the wrong case.
func closestFold(name string, candidates []string) string {
	for _, c := range candidates {
		if strings.EqualFold(c, name) {
			return c
		}
	}
	return ""
}

// served lists the tekton.dev kinds by version: with a schema (from the
// table) or known to Tekton without one, which are left alone.
var unschematized = map[string]bool{
	"tekton.dev/v1beta1 CustomRun":           true,
	"tekton.dev/v1alpha1 Run":                true,
	"tekton.dev/v1alpha1 VerificationPolicy": true,
}

// removedKinds explains kinds that a version no longer (or never) served.
var removedKinds = map[string]string{
	"tekton.dev/v1 ClusterTask":           "ClusterTask was removed in tekton.dev/v1 (and from Tekton in v1.0). Use a Task, and reference a shared one with the cluster resolver (taskRef: {resolver: cluster, params: [...]}), or keep apiVersion tekton.dev/v1beta1.",
	"tekton.dev/v1 PipelineResource":      "PipelineResource only ever existed as tekton.dev/v1alpha1, and Tekton removed it in v0.46. Use workspaces and params instead.",
	"tekton.dev/v1beta1 PipelineResource": "PipelineResource only ever existed as tekton.dev/v1alpha1, and Tekton removed it in v0.46. Use workspaces and params instead.",
	"tekton.dev/v1 Condition":             "Condition only existed as tekton.dev/v1alpha1 and was removed: use when expressions.",
	"tekton.dev/v1beta1 Condition":        "Condition only existed as tekton.dev/v1alpha1 and was removed: use when expressions.",
	"tekton.dev/v1 StepAction":            "StepAction is served as tekton.dev/v1beta1 (and v1alpha1).",
	"tekton.dev/v1alpha1 Task":            "tekton.dev/v1alpha1 Task was removed in Tekton v0.38: use tekton.dev/v1.",
	"tekton.dev/v1alpha1 Pipeline":        "tekton.dev/v1alpha1 Pipeline was removed in Tekton v0.38: use tekton.dev/v1.",
	"tekton.dev/v1alpha1 TaskRun":         "tekton.dev/v1alpha1 TaskRun was removed in Tekton v0.38: use tekton.dev/v1.",
	"tekton.dev/v1alpha1 PipelineRun":     "tekton.dev/v1alpha1 PipelineRun was removed in Tekton v0.38: use tekton.dev/v1.",
	"tekton.dev/v1alpha1 ClusterTask":     "tekton.dev/v1alpha1 ClusterTask was removed in Tekton v0.38: use a tekton.dev/v1 Task.",
}

// kindError reports a tekton.dev document pipec has no schema for.
func (v *validator) kindError(doc *load.Doc) {
	key := doc.APIVersion + " " + doc.Kind
	if unschematized[key] {
		return
	}
	kindNode := doc.Root.Get("kind")
	if hint, ok := removedKinds[key]; ok {
		v.diags.Errorf(kindNode.Range(), CodeKind, "%s has no kind %s", doc.APIVersion, doc.Kind).Explain("%s", hint)
		return
	}
	var kinds []string
	versions := map[string]bool{}
	for k := range roots {
		api, kind, _ := strings.Cut(k, " ")
		versions[api] = true
		if api == doc.APIVersion {
			kinds = append(kinds, kind)
		}
	}
	for k := range unschematized {
		api, kind, _ := strings.Cut(k, " ")
		if api == doc.APIVersion {
			kinds = append(kinds, kind)
		}
	}
	if !versions[doc.APIVersion] {
		d := v.diags.Errorf(doc.Root.Get("apiVersion").Range(), CodeKind, "unknown apiVersion %q", doc.APIVersion)
		d.Explain("Tekton serves tekton.dev/v1 (Task, Pipeline, TaskRun, PipelineRun) and tekton.dev/v1beta1; pipec also reads the legacy tekton.dev/v1alpha1 PipelineResource and Condition.")
		if doc.Version() == "v1beta" || doc.Version() == "v1alpha" || doc.Version() == "v1beta2" {
			d.Suggestion = "tekton.dev/v1beta1"
		}
		return
	}
	sortStrings(kinds)
	d := v.diags.Errorf(kindNode.Range(), CodeKind, "%s has no kind %s", doc.APIVersion, doc.Kind)
	sentences := ""
	if c := diag.Closest(doc.Kind, kinds); c != "" {
		d.Suggestion = c
		sentences = diag.DidYouMean(doc.Kind, kinds) + " "
	}
	d.Detail = sentences + "Its kinds are " + orList(kinds) + "."
}
