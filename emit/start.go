package emit

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pipec-dev/pipec/source"
)

// Start describes a run to make for a Pipeline or Task, the way
// `tkn pipeline start --dry-run` makes one: its params, workspaces and
// service account.
type Start struct {
	Kind           string // Pipeline or Task
	Name           string
	Params         []string // NAME=VALUE; a VALUE that is a JSON array or object is one
	Workspaces     []string // NAME=pvc:CLAIM | emptyDir | configMap:NAME | secret:NAME
	ServiceAccount string
}

// RunName is the name of the run Start makes.
func (s Start) RunName() string { return s.Name + "-run" }

// File returns the run as a YAML file to add to the input, so that it is
// checked and compiled like a run written by hand. Its errors are usage
// errors.
func (s Start) File() (*source.File, error) {
	spec := map[string]any{}
	kind := "PipelineRun"
	switch s.Kind {
	case "Pipeline":
		spec["pipelineRef"] = map[string]any{"name": s.Name}
		if s.ServiceAccount != "" {
			spec["taskRunTemplate"] = map[string]any{"serviceAccountName": s.ServiceAccount}
		}
	case "Task":
		kind = "TaskRun"
		spec["taskRef"] = map[string]any{"name": s.Name}
		if s.ServiceAccount != "" {
			spec["serviceAccountName"] = s.ServiceAccount
		}
	default:
		return nil, fmt.Errorf("cannot start a %s", s.Kind)
	}
	var params []any
	for _, p := range s.Params {
		name, val, ok := strings.Cut(p, "=")
		if !ok || name == "" {
			return nil, fmt.Errorf("--param %q: want NAME=VALUE", p)
		}
		var v any = val
		if t := strings.TrimSpace(val); strings.HasPrefix(t, "[") || strings.HasPrefix(t, "{") {
			var arr []string
			var obj map[string]string
			switch {
			case json.Unmarshal([]byte(t), &arr) == nil:
				v = arr
			case json.Unmarshal([]byte(t), &obj) == nil:
				v = obj
			default:
				return nil, fmt.Errorf("--param %s: %q is neither a JSON array of strings nor an object of strings", name, val)
			}
		}
		params = append(params, map[string]any{"name": name, "value": v})
	}
	if params != nil {
		spec["params"] = params
	}
	var ws []any
	for _, w := range s.Workspaces {
		name, src, ok := strings.Cut(w, "=")
		if !ok || name == "" {
			return nil, fmt.Errorf("--workspace %q: want NAME=pvc:CLAIM, NAME=emptyDir, NAME=configMap:NAME or NAME=secret:NAME", w)
		}
		b := map[string]any{"name": name}
		kind, arg, _ := strings.Cut(src, ":")
		switch {
		case kind == "pvc" && arg != "":
			b["persistentVolumeClaim"] = map[string]any{"claimName": arg}
		case kind == "emptyDir" && arg == "":
			b["emptyDir"] = map[string]any{}
		case kind == "configMap" && arg != "":
			b["configMap"] = map[string]any{"name": arg}
		case kind == "secret" && arg != "":
			b["secret"] = map[string]any{"secretName": arg}
		default:
			return nil, fmt.Errorf("--workspace %s: %q is not pvc:CLAIM, emptyDir, configMap:NAME or secret:NAME", name, src)
		}
		ws = append(ws, b)
	}
	if ws != nil {
		spec["workspaces"] = ws
	}
	doc := map[string]any{
		"apiVersion": "tekton.dev/v1",
		"kind":       kind,
		"metadata":   map[string]any{"name": s.RunName()},
		"spec":       spec,
	}
	// JSON is YAML; indented, so that a diagnostic's snippet is readable.
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return source.NewFile("("+strings.ToLower(kind)+" of "+s.Kind+" "+s.Name+")", append(b, '\n')), nil
}
