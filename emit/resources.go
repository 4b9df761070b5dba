package emit

import (
	"path"
	"strconv"
	"strings"

	"github.com/pipec-dev/pipec/model"
	"github.com/pipec-dev/pipec/source"
)

// boundResource is a v1beta1 PipelineResource bound to a task's input or
// output.
type boundResource struct {
	decl   *model.ResourceDecl
	typ    string
	params map[string]string // the resource's params, by lower-case name
	at     *source.Node      // the binding, for diagnostics
	from   bool              // a pipeline task input "from" an earlier task
}

// resolveResource finds the spec a binding names: a PipelineResource by
// resourceRef, or an inline resourceSpec.
func (c *compilation) resolveResource(b *model.ResourceBinding) *model.ResourceSpec {
	switch {
	case b.ResourceSpec != nil:
		return b.ResourceSpec
	case b.ResourceRef != nil:
		if r := c.prog.Resource(b.ResourceRef.Name.Value); r != nil {
			return r.Spec
		}
	}
	return nil
}

// newBoundResource binds decl to a resource spec, its params substituted
// with the run's.
func newBoundResource(decl *model.ResourceDecl, spec *model.ResourceSpec, at *source.Node, sub *substituter) *boundResource {
	br := &boundResource{decl: decl, typ: spec.Type.Value, params: map[string]string{}, at: at}
	for _, p := range spec.Params {
		if p.Value != nil {
			br.params[strings.ToLower(p.Name.Value)] = sub.text(p.Value.Str)
		}
	}
	return br
}

// checkResourceTypes reports resources of types pipec cannot compile.
func (tc *taskCompiler) checkResourceTypes() {
	for _, m := range []map[string]*boundResource{tc.in.inputs, tc.in.outputs} {
		for _, name := range sortedKeys(m) {
			b := m[name]
			switch b.typ {
			case "git", "image":
			default:
				tc.c.errorf(b.at.Range(), CodeResourceType, "PipelineResource %q is of type %q, which pipec does not compile", name, b.typ).
					Explain("pipec compiles git resources (into a clone step) and image resources (into their url). Tekton removed PipelineResources; use a workspace and a Task that does the transfer.")
			}
		}
	}
}

// inputPath is where an input resource is placed: /workspace/NAME, or
// /workspace/TARGETPATH.
func inputPath(decl *model.ResourceDecl) string {
	if decl.TargetPath != "" {
		return path.Join(workspaceDir, decl.TargetPath)
	}
	return path.Join(workspaceDir, decl.Name.Value)
}

// gitParams are a git resource's fields with Tekton's defaults.
func gitParams(b *boundResource) map[string]string {
	p := map[string]string{
		"url": b.params["url"], "revision": b.params["revision"], "refspec": b.params["refspec"],
		"submodules": "true", "depth": "1", "sslVerify": "true",
		"httpProxy": b.params["httpproxy"], "httpsProxy": b.params["httpsproxy"], "noProxy": b.params["noproxy"],
	}
	if v := b.params["submodules"]; v == "true" || v == "false" {
		p["submodules"] = v
	}
	if v, err := strconv.ParseUint(b.params["depth"], 10, 32); err == nil {
		p["depth"] = strconv.FormatUint(v, 10)
	}
	if v := b.params["sslverify"]; v == "true" || v == "false" {
		p["sslVerify"] = v
	}
	return p
}

// resourceValues are the $(resources.…) a task's steps may use, with the
// older $(inputs.resources.NAME.path) and $(outputs.resources.NAME.path).
func (tc *taskCompiler) resourceValues() map[string]string {
	m := map[string]string{}
	add := func(dir string, name string, b *boundResource, p string) {
		pre := "resources." + dir + "." + name + "."
		m[pre+"name"] = name
		m[pre+"type"] = b.typ
		m[pre+"path"] = p
		m[dir[:len(dir)-1]+"s.resources."+name+".path"] = p
		switch b.typ {
		case "git":
			for k, v := range gitParams(b) {
				m[pre+k] = v
			}
		case "image":
			m[pre+"url"] = b.params["url"]
			m[pre+"digest"] = b.params["digest"]
		default:
			for k, v := range b.params {
				m[pre+k] = v
			}
		}
	}
	for name, b := range tc.in.inputs {
		add("inputs", name, b, inputPath(b.decl))
	}
	for name, b := range tc.in.outputs {
		add("outputs", name, b, path.Join(workspaceDir, "output", name))
	}
	return m
}

// cloneScript fetches a git resource the way Tekton's git-init did: init,
// add the remote, fetch the revision (or refspec) shallowly, check it out,
// then the submodules. Its inputs come from the environment, so the script
// is the same for every resource.
const cloneScript = `#!/bin/sh
set -eu
# Clone a git PipelineResource, as Tekton's git-init did.
git init "$PIPEC_GIT_PATH"
cd "$PIPEC_GIT_PATH"
git config --global --add safe.directory "$PIPEC_GIT_PATH"
git remote add origin "$PIPEC_GIT_URL"
if [ ! -f "$HOME/.ssh/known_hosts" ]; then
  git config core.sshCommand "ssh -o StrictHostKeyChecking=accept-new"
fi
git config http.sslVerify "$PIPEC_GIT_SSL_VERIFY"
set --
if [ "$PIPEC_GIT_DEPTH" -gt 0 ]; then set -- --depth="$PIPEC_GIT_DEPTH"; fi
if [ "$PIPEC_GIT_SUBMODULES" = true ]; then set -- "$@" --recurse-submodules=yes; fi
# shellcheck disable=SC2086 # a refspec is several words; no revision is HEAD
if [ -n "${PIPEC_GIT_REFSPEC:-}" ]; then
  git fetch "$@" origin --update-head-ok --force $PIPEC_GIT_REFSPEC
  git checkout -f "${PIPEC_GIT_REVISION:-}"
else
  git fetch "$@" origin --update-head-ok --force ${PIPEC_GIT_REVISION:-}
  git checkout -f FETCH_HEAD
fi
if [ "$PIPEC_GIT_SUBMODULES" = true ]; then git submodule update --recursive --init; fi
echo "cloned $PIPEC_GIT_URL into $PIPEC_GIT_PATH at commit:"
git rev-parse HEAD
`

// cloneSteps returns a clone step for each git input resource, in the
// order of the task's declarations, as Tekton prepended them.
func (tc *taskCompiler) cloneSteps() []*stepDef {
	var out []*stepDef
	for _, d := range tc.in.spec.Inputs {
		b := tc.in.inputs[d.Name.Value]
		if b == nil || b.typ != "git" {
			continue
		}
		if b.from {
			tc.c.diags.Warnf(b.at.Range(), CodeResourceFrom, "resource %q is cloned again rather than taken from the earlier task", d.Name.Value).
				Explain("Tekton copied a resource's output from the task named in from; pipec's pods share nothing but workspaces, so this task clones the repository afresh and does not see the earlier task's changes. Pass them in a workspace.")
		}
		p := gitParams(b)
		var env []any
		for _, e := range []struct{ env, val string }{
			{"PIPEC_GIT_URL", p["url"]}, {"PIPEC_GIT_REVISION", p["revision"]}, {"PIPEC_GIT_REFSPEC", p["refspec"]},
			{"PIPEC_GIT_PATH", inputPath(d)}, {"PIPEC_GIT_DEPTH", p["depth"]}, {"PIPEC_GIT_SUBMODULES", p["submodules"]},
			{"PIPEC_GIT_SSL_VERIFY", p["sslVerify"]},
			{"HTTP_PROXY", p["httpProxy"]}, {"HTTPS_PROXY", p["httpsProxy"]}, {"NO_PROXY", p["noProxy"]},
		} {
			if e.val != "" {
				env = append(env, map[string]any{"name": e.env, "value": e.val})
			}
		}
		s := &stepDef{
			node:  b.at,
			index: -1,
			name:  "git-source-" + d.Name.Value,
			c: map[string]any{
				"image":           tc.c.opts.GitImage,
				"workingDir":      workspaceDir,
				"env":             env,
				"securityContext": map[string]any{"runAsUser": 0},
			},
			at:     map[string]*source.Node{},
			script: cloneScript,
			clone:  true,
		}
		out = append(out, s)
	}
	return out
}
