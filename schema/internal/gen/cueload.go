package gen

import (
	"fmt"
	"path"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/load"

	"github.com/pipec-dev/pipec/schema/tekton"
)

// Compile evaluates the schema packages and returns them by package name
// ("v1", "k8s", …). The files come from the embedded copy, placed under
// the cue.mod/pkg directory of a virtual module, as a user's module would
// hold them after `pipec schema export`.
func Compile(ctx *cue.Context, replace map[string][]byte) (map[string]cue.Value, error) {
	const root = "/pipec-schema"
	overlay := map[string]load.Source{
		root + "/cue.mod/module.cue": load.FromString("module: \"pipec.dev/gen\"\nlanguage: version: \"v0.9.0\"\n"),
	}
	files := tekton.Files()
	for name, b := range replace {
		files[name] = b
	}
	for name, b := range files {
		overlay[path.Join(root, "cue.mod/pkg", tekton.ModulePath, name)] = load.FromBytes(b)
	}
	var args []string
	for _, p := range tekton.Packages {
		args = append(args, tekton.ModulePath+"/"+p)
	}
	insts := load.Instances(args, &load.Config{Dir: root, Overlay: overlay})
	out := map[string]cue.Value{}
	for i, inst := range insts {
		if inst.Err != nil {
			return nil, inst.Err
		}
		v := ctx.BuildInstance(inst)
		if err := v.Err(); err != nil {
			return nil, fmt.Errorf("%s: %w", args[i], err)
		}
		out[tekton.Packages[i]] = v
	}
	return out, nil
}

// NewContext returns a CUE context for Compile.
func NewContext() *cue.Context { return cuecontext.New() }
