package schema

import (
	"regexp"
	"slices"
	"strings"

	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/load"
	"github.com/pipec-dev/pipec/source"
)

// Diagnostic codes of the schema validator.
const (
	CodeUnknownField = "PC0101"
	CodeType         = "PC0102"
	CodeRequired     = "PC0103"
	CodeEnum         = "PC0104"
	CodeKind         = "PC0105"
	CodeYAMLBool     = "PC0106"
	CodeFieldCase    = "PC0107"
)

var patterns = compilePatterns()

func compilePatterns() []*regexp.Regexp {
	out := make([]*regexp.Regexp, len(patternSources))
	for i, s := range patternSources {
		out[i] = regexp.MustCompile(s)
	}
	return out
}

// Validate checks the structure of one Tekton object against its schema and
// returns what is wrong, each problem at the value (or key) at fault. A
// document of another API group, or a tekton.dev kind pipec has no schema
// for but Tekton serves (CustomRun), gets no diagnostics.
//
// Validate only reads doc and the static tables: it is safe to call from
// many goroutines at once.
func Validate(doc *load.Doc) []diag.Diagnostic {
	if doc == nil || doc.Root == nil || !doc.IsTekton() || doc.Kind == "" {
		return nil
	}
	v := validator{}
	root, ok := roots[doc.APIVersion+" "+doc.Kind]
	if !ok {
		v.kindError(doc)
		return v.diags
	}
	v.value(doc.Root, root, false, nil)
	return v.diags
}

// Known reports whether pipec has a schema for apiVersion and kind.
func Known(apiVersion, kind string) bool {
	_, ok := roots[apiVersion+" "+kind]
	return ok
}

type validator struct {
	diags diag.List
	path  []source.PathElem
}

func kindOf(n *source.Node) kindSet {
	return kindSet(1) << n.Kind
}

// value checks n against type ti. liftOneOf waives the OneOf groups of
// list elements (see fieldDef.Unless). parent is the struct holding n.
func (v *validator) value(n *source.Node, ti int32, liftOneOf bool, parent *structDef) {
	t := &types[ti]
	k := kindOf(n)
	if t.Kinds&k == 0 {
		v.typeError(n, t)
		return
	}
	switch n.Kind {
	case source.String:
		v.checkBool(n, t)
		if !t.AnyString {
			v.checkEnum(n, t)
		}
	case source.List:
		if t.Elem >= 0 {
			for i, e := range n.Elems {
				v.path = append(v.path, source.PathElem{Index: i})
				v.elem(e, t.Elem, liftOneOf)
				v.path = v.path[:len(v.path)-1]
			}
		}
	case source.Map:
		if t.Struct >= 0 {
			v.object(n, &structs[t.Struct])
		}
		for _, g := range t.OneOf {
			if !liftOneOf {
				v.oneOf(n, g)
			}
		}
	}
}

// elem checks a list element: a null element is a value of its own, not an
// absent one, so it is checked like any other.
func (v *validator) elem(n *source.Node, ti int32, liftOneOf bool) {
	t := &types[ti]
	if n.Kind == source.Map {
		// OneOf groups apply to the element, unless lifted.
		v.value(n, ti, liftOneOf, nil)
		return
	}
	v.value(n, ti, false, nil)
	_ = t
}

// object checks a map against a struct: unknown fields, field values and
// required fields. A field set to null is absent, as it is to the JSON
// decoder of the API server.
func (v *validator) object(n *source.Node, s *structDef) {
	for i, key := range n.Keys {
		val := n.Elems[i]
		f := s.field(key.Value)
		if f == nil && s.Rest < 0 {
			// Go's JSON decoder, and so Tekton's webhook, matches field
			// names without regard to case.
			if f = s.fieldFold(key.Value); f != nil {
				v.diags.Warnf(key.Range(), CodeFieldCase, "field %q is spelt %q", key.Value, f.Name).
					Explain("did you mean %q? Tekton accepts %q because Go's JSON decoding ignores case, but kubectl, server-side apply and CUE do not%s.", f.Name, key.Value, v.where()).
					Suggestion = f.Name
			}
		}
		if f == nil {
			if s.Rest >= 0 {
				v.path = append(v.path, source.PathElem{Key: key.Value, Index: -1})
				if val.Kind != source.Null || types[s.Rest].Kinds&kNull != 0 {
					v.value(val, s.Rest, false, s)
				}
				v.path = v.path[:len(v.path)-1]
				continue
			}
			v.unknownField(key, s)
			continue
		}
		if val.Kind == source.Null && types[f.Type].Kinds&kNull == 0 {
			continue
		}
		lift := len(f.Unless) > 0 && present(n.Path(f.Unless...))
		v.path = append(v.path, source.PathElem{Key: key.Value, Index: -1})
		v.value(val, f.Type, lift, s)
		v.path = v.path[:len(v.path)-1]
	}
	for i := range s.Fields {
		f := &s.Fields[i]
		if f.Required && !v.has(n, f) {
			v.diags.Errorf(n.Range(), CodeRequired, "missing required field %q", f.Name).
				Explain("%s requires %q%s.", s.Name, f.Name, v.where())
		}
	}
}

// has reports whether map n sets field f: to a value other than null, or to
// null where the field's type allows it. The field's name may differ in
// case (see CodeFieldCase).
func (v *validator) has(n *source.Node, f *fieldDef) bool {
	for i, k := range n.Keys {
		if k.Value == f.Name || strings.EqualFold(k.Value, f.Name) {
			return n.Elems[i].Kind != source.Null || types[f.Type].Kinds&kNull != 0
		}
	}
	return false
}

// present reports whether a field is set to something other than null.
func present(n *source.Node) bool { return n != nil && n.Kind != source.Null }

func (s *structDef) field(name string) *fieldDef {
	i, ok := slices.BinarySearchFunc(s.Fields, name, func(f fieldDef, name string) int {
		return strings.Compare(f.Name, name)
	})
	if !ok {
		return nil
	}
	return &s.Fields[i]
}

// fieldFold finds a field whose name differs from name only in case.
func (s *structDef) fieldFold(name string) *fieldDef {
	for i := range s.Fields {
		if strings.EqualFold(s.Fields[i].Name, name) {
			return &s.Fields[i]
		}
	}
	return nil
}

func (s *structDef) names() []string {
	out := make([]string, len(s.Fields))
	for i, f := range s.Fields {
		out[i] = f.Name
	}
	return out
}

func (v *validator) oneOf(n *source.Node, group []string) {
	for _, name := range group {
		if present(n.Get(name)) {
			return
		}
	}
	q := make([]string, len(group))
	for i, name := range group {
		q[i] = `"` + name + `"`
	}
	v.diags.Errorf(n.Range(), CodeRequired, "missing required field %s", strings.Join(q, " or ")).
		Explain("One of %s must be set%s.", strings.Join(q, ", "), v.where())
}

// where names the path of the value being checked, for details.
func (v *validator) where() string {
	if len(v.path) == 0 {
		return ""
	}
	return " (at " + source.FormatPath(v.path) + ")"
}
