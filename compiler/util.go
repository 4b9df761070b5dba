package compiler

import (
	"slices"
	"strings"

	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/model"
	"github.com/pipec-dev/pipec/ref"
	"github.com/pipec-dev/pipec/source"
)

// checker holds the state of one CheckSet.
type checker struct {
	p *Program
}

func (c *checker) diags() *diag.List { return &c.p.Diags }

func sortedUnique(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}

// refRange is the position of a whole reference inside a string node.
func refRange(n *source.Node, r ref.Ref) diag.Range { return n.RangeAt(r.Start, r.End) }

// segRange is the position of one name of a reference.
func segRange(n *source.Node, s ref.Seg) diag.Range { return n.RangeAt(s.Start, s.End) }

// strings walks every string scalar under n (n itself included), calling fn
// with the path from n. Keys are not visited.
func eachString(n *source.Node, fn func(path []source.PathElem, s *source.Node)) {
	source.Walk(n, func(path []source.PathElem, v *source.Node) bool {
		if v.Kind == source.String && strings.Contains(v.Value, "$(") {
			fn(path, v)
		}
		return true
	})
}

// withRefs calls fn for every reference in every string under n.
func withRefs(n *source.Node, fn func(path []source.PathElem, s *source.Node, r ref.Ref)) {
	eachString(n, func(path []source.PathElem, s *source.Node) {
		for _, r := range ref.Find(s.Value) {
			fn(path, s, r)
		}
	})
}

func paramNames(ps []*model.ParamSpec) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Name.Value
	}
	return out
}

func strValues(ss []model.Str) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.Value
	}
	return out
}

// didYouMean sets the detail and suggestion of d from candidates.
func didYouMean(d *diag.Diagnostic, name string, candidates []string, context string) {
	sug := diag.Closest(name, candidates)
	switch {
	case sug != "":
		d.Suggestion = sug
		d.Detail = "did you mean \"" + sug + "\"?"
	case len(candidates) == 0:
		d.Detail = context + " none."
	default:
		if len(candidates) > 12 {
			candidates = append(candidates[:12:12], "…")
		}
		d.Detail = context + " " + strings.Join(candidates, ", ") + "."
	}
}
