package compiler

import (
	"fmt"
	"slices"

	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/model"
	"github.com/pipec-dev/pipec/source"
)

// argsCheck is a set of params passed to a Task or Pipeline.
type argsCheck struct {
	args     []*model.Param     // the params written in the caller's params list
	supplied []*model.Param     // every param that counts as supplied (with matrix ones)
	decls    []*model.ParamSpec // what the callee declares
	what     string             // the callee, for messages: Task "build"
	at       diag.Range         // where to report missing params
	declAt   diag.Range         // where the callee's params are declared
	// allowExtra accepts undeclared params silently (propagation into an
	// inline spec makes them meaningful).
	allowExtra bool
}

// checkArgs checks passed params against declarations: duplicates, unknown
// names, types, enums, and required params left out.
func (c *checker) checkArgs(a argsCheck) {
	ds := c.diags()
	seen := map[string]*model.Param{}
	for _, p := range a.args {
		name := p.Name.Value
		if name == "" {
			continue // the schema reports the missing name
		}
		if first := seen[name]; first != nil {
			ds.Errorf(p.Name.Range(), CodeDuplicateParam, "param %q is passed twice", name).With(first.Name.Range(), "first passed here")
			continue
		}
		seen[name] = p
		decl := findParamSpec(a.decls, name)
		if decl == nil {
			if !a.allowExtra {
				d := ds.Warnf(p.Name.Range(), CodeExtraParam, "%s declares no param %q", a.what, name).With(a.declAt, "params declared here")
				didYouMean(d, name, paramNames(a.decls), "Its params are:")
				if d.Suggestion == "" {
					d.Detail += " The value is ignored."
				}
			}
			continue
		}
		c.checkValueType(p, decl, a.what)
	}
	var missing []string
	var rel []diag.Related
	for _, d := range a.decls {
		if d.Default != nil || slices.ContainsFunc(a.supplied, func(p *model.Param) bool { return p.Name.Value == d.Name.Value }) {
			continue
		}
		missing = append(missing, d.Name.Value)
		rel = append(rel, diag.Related{Range: d.Name.Range(), Message: "declared here, without a default"})
	}
	if len(missing) > 0 {
		ds.Add(diag.Diagnostic{
			Severity: diag.Error, Code: CodeMissingParam, Subject: a.at, Related: rel,
			Message: fmt.Sprintf("%s needs %s %s, which %s not supplied", a.what, plural(len(missing), "param", "params"), quoteList(missing), plural(len(missing), "is", "are")),
		})
	}
}

// checkValueType compares a passed value with the declared type, as Tekton
// does when it creates the TaskRun. A string that is exactly one reference
// may stand for an array or object: its type is known only at run time.
func (c *checker) checkValueType(p *model.Param, decl *model.ParamSpec, what string) {
	v := p.Value
	if v == nil || v.Node == nil {
		return
	}
	ds := c.diags()
	got := v.Type
	if got == model.TypeString && isWholeRef(v.Str) {
		return
	}
	if got != decl.Type {
		ds.Errorf(v.Node.Range(), CodeParamType, "param %q of %s is %s %s, but this value is %s %s", p.Name.Value, what, article(decl.Type), decl.Type, article(got), got).
			With(decl.Name.Range(), "declared here")
		return
	}
	switch got {
	case model.TypeObject:
		var missing []string
		for _, k := range decl.Properties {
			if !slices.ContainsFunc(v.Obj, func(kv model.KV) bool { return kv.Key.Value == k.Value }) {
				missing = append(missing, k.Value)
			}
		}
		if len(missing) > 0 && !hasDefaultKeys(decl, missing) {
			ds.Errorf(v.Node.Range(), CodeParamType, "object param %q of %s lacks %s %s", p.Name.Value, what, plural(len(missing), "key", "keys"), quoteList(missing)).
				With(decl.Name.Range(), "declared here")
		}
	case model.TypeString:
		if len(decl.Enum) > 0 && !containsRefNode(v.Node) && !slices.ContainsFunc(decl.Enum, func(e model.Str) bool { return e.Value == v.Str }) {
			ds.Errorf(v.Node.Range(), CodeEnumValue, "%q is not an allowed value of param %q", v.Str, p.Name.Value).
				With(decl.Name.Range(), "declared here").
				Explain("Allowed values: %s.", quoteList(strValues(decl.Enum)))
		}
	}
}

// hasDefaultKeys reports whether the declaration's default supplies the keys.
func hasDefaultKeys(decl *model.ParamSpec, keys []string) bool {
	if decl.Default == nil || decl.Default.Type != model.TypeObject {
		return false
	}
	for _, k := range keys {
		if !slices.ContainsFunc(decl.Default.Obj, func(kv model.KV) bool { return kv.Key.Value == k }) {
			return false
		}
	}
	return true
}

func containsRefNode(n *source.Node) bool {
	return n != nil && n.Kind == source.String && isAnyRef(n.Value)
}

func article(typ string) string {
	if typ == model.TypeArray || typ == model.TypeObject {
		return "an"
	}
	return "a"
}
