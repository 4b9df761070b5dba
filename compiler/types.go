package compiler

import (
	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/model"
	"github.com/pipec-dev/pipec/ref"
	"github.com/pipec-dev/pipec/source"
)

// place is the kind of field a reference sits in, which decides whether a
// whole array or object may be used there.
type place int

const (
	// inString is any field whose value is one string: image, script, env
	// values, workingDir, when input.
	inString place = iota
	// inArg is an element of command or args: a whole array may stand alone
	// there and is spliced in as several arguments.
	inArg
	// inArrayElem is an element of an array param value or of when values:
	// a whole array may stand alone there too.
	inArrayElem
	// inParamValue is a pipeline task's param value written as one string:
	// a whole array or object may stand alone there and is passed as such.
	inParamValue
)

func (pl place) allowsWholeArray() bool { return pl != inString }

// valueType is the declared type of what a reference points at.
type valueType struct {
	typ   string      // model.TypeString, TypeArray or TypeObject
	keys  []model.Str // properties of an object
	what  string      // "param \"x\"", "result \"r\" of task \"t\"" for messages
	decl  diag.Range  // where it is declared
	elems int         // known length of an array (its default), or -1
}

// checkUse checks how a reference uses a value of type vt: indexes, [*],
// object keys, and whole arrays or objects where only strings are allowed.
// key is the object key the reference names ("" for none) and keySeg its
// position.
func (c *checker) checkUse(n *source.Node, r ref.Ref, key string, keySeg *ref.Seg, vt valueType, pl place) {
	ds := c.diags()
	// The range is worked out only for a diagnostic: most uses are fine.
	at := func() diag.Range { return refRange(n, r) }
	switch vt.typ {
	case model.TypeString, "":
		switch {
		case key != "":
			ds.Errorf(segRange(n, *keySeg), CodeUndeclaredKey, "%s is a string, not an object; it has no key %q", vt.what, key).
				With(vt.decl, "declared here")
		case r.Star:
			ds.Errorf(at(), CodeIndexNonArray, "%s is a string; [*] applies to arrays", vt.what).
				With(vt.decl, "declared here")
		case r.Index >= 0:
			ds.Errorf(at(), CodeIndexNonArray, "%s is a string; it cannot be indexed", vt.what).
				With(vt.decl, "declared here")
		}
	case model.TypeArray:
		switch {
		case key != "":
			ds.Errorf(segRange(n, *keySeg), CodeUndeclaredKey, "%s is an array, not an object; it has no key %q", vt.what, key).
				With(vt.decl, "declared here")
		case r.Index >= 0:
			if vt.elems >= 0 && r.Index >= vt.elems {
				ds.Warnf(at(), CodeIndexOutOfRange, "index %d is beyond the %d elements of %s's default", r.Index, vt.elems, vt.what).
					With(vt.decl, "declared here").
					Explain("The run fails unless it passes a longer array.")
			}
		default: // the whole array, with or without [*]
			c.checkWhole(n, r, vt, pl, "array")
		}
	case model.TypeObject:
		switch {
		case key != "":
			if !hasKey(vt.keys, key) {
				d := ds.Errorf(segRange(n, *keySeg), CodeUndeclaredKey, "%s has no key %q", vt.what, key).With(vt.decl, "declared here")
				didYouMean(d, key, strValues(vt.keys), "Its keys are:")
			}
		case r.Index >= 0:
			ds.Errorf(at(), CodeIndexNonArray, "%s is an object; it cannot be indexed", vt.what).With(vt.decl, "declared here")
		default:
			if pl == inParamValue {
				c.checkWhole(n, r, vt, pl, "object")
			} else {
				ds.Errorf(at(), CodeWholeInString, "whole object %s cannot be used here", vt.what).
					With(vt.decl, "declared here").
					Explain("Use one of its keys, $(….key); a whole object can only be passed as a pipeline task's param value.")
			}
		}
	}
}

// checkWhole checks a reference to a whole array or object.
func (c *checker) checkWhole(n *source.Node, r ref.Ref, vt valueType, pl place, kind string) {
	ds := c.diags()
	at := func() diag.Range { return refRange(n, r) }
	switch {
	case !pl.allowsWholeArray():
		ds.Errorf(at(), CodeWholeInString, "%s %s is used as a string", kind, vt.what).
			With(vt.decl, "declared here").
			Explain("Use one element, $(…[0]), or pass it as a whole element of args or command, where it expands into several arguments.")
	case !r.IsWhole(n.Value):
		ds.Errorf(at(), CodeArrayNotIsolated, "%s %s must be a whole element, not part of one", kind, vt.what).
			With(vt.decl, "declared here").
			Explain("An array expands into several elements only when the reference is the entire element: %q.", r.String())
	}
}

func hasKey(keys []model.Str, k string) bool {
	for _, s := range keys {
		if s.Value == k {
			return true
		}
	}
	return false
}

// paramType is the valueType of a declared param.
func paramType(p *model.ParamSpec, what string) valueType {
	vt := valueType{typ: p.Type, keys: p.Properties, what: what, decl: p.Name.Range(), elems: -1}
	if p.Default != nil && p.Default.Type == model.TypeArray && !hasRefs(p.Default) {
		vt.elems = len(p.Default.Arr)
	}
	return vt
}

func hasRefs(v *model.Value) bool {
	for _, s := range v.Strings() {
		if s != nil && ref.Contains(s.Value) {
			return true
		}
	}
	return false
}
