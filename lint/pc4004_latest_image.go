package lint

import (
	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/ref"
	"github.com/pipec-dev/pipec/source"
)

var ruleLatestImage = &Rule{
	ID:         "PC4004",
	Name:       "latest-image",
	Title:      "image without a tag or tagged latest",
	Category:   Security,
	Severity:   warningSev,
	TektonLint: "no-latest-image",
	Doc: `An image without a tag means :latest, which changes under the pipeline:
two runs of the same commit can use different tools, and whoever can push
the tag decides what runs in the build. Name a version tag, or better a
digest (PC4005). Steps, sidecars, stepTemplates and StepActions are checked;
an image that is exactly $(params.NAME) is checked through the param's
default.`,
	Bad: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: lint
spec:
  steps:
    - name: lint
      image: golangci/golangci-lint
      command: [golangci-lint, run]
`,
	Good: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: lint
spec:
  steps:
    - name: lint
      image: golangci/golangci-lint:v1.60.3
      command: [golangci-lint, run]
`,
	Run: runLatestImage,
}

// imageUse is an image reference of a container: the node that holds the
// reference text (the image field, or the default of the param it names),
// and where the image is used.
type imageUse struct {
	c      Container
	node   *source.Node
	usedAt diag.Range // set when node is a param default
}

// images returns the image references of the input, each text node once.
func (p *Pass) images() []imageUse {
	var out []imageUse
	seen := map[*source.Node]bool{}
	for _, c := range p.Containers() {
		n := c.Node.Get("image")
		if n == nil || n.Kind != source.String || n.Value == "" {
			continue
		}
		use := imageUse{c: c, node: n}
		if rs := ref.Find(n.Value); len(rs) > 0 {
			name := paramRefName(rs[0])
			if len(rs) != 1 || !rs[0].IsWhole(n.Value) || name == "" || c.In.Spec == nil {
				continue
			}
			ps := c.In.Spec.Param(name)
			if ps == nil || ps.Default == nil || ps.Default.Node.Kind != source.String || ref.Contains(ps.Default.Str) {
				continue
			}
			use = imageUse{c: c, node: ps.Default.Node, usedAt: n.Range()}
		}
		if !seen[use.node] {
			seen[use.node] = true
			out = append(out, use)
		}
	}
	return out
}

func (u imageUse) report(p *Pass, format string, args ...any) *diag.Diagnostic {
	d := p.Reportf(u.node.Range(), format, args...)
	if u.usedAt.IsValid() {
		d.With(u.usedAt, "used as the image of "+u.c.What())
	}
	return d
}

func runLatestImage(p *Pass) {
	for _, u := range p.images() {
		im := parseImage(u.node.Value)
		switch {
		case im.digest != "":
		case im.tag == "":
			u.report(p, "image %s has no tag, so it means :latest", u.node.Value).
				Explain("Name a version (%s:1.2.3), or pin a digest (%s@sha256:…).", im.name, im.name)
		case im.tag == "latest":
			u.report(p, "image %s is tagged latest", u.node.Value).
				Explain("Name a version (%s:1.2.3), or pin a digest (%s@sha256:…).", im.name, im.name)
		}
	}
}
