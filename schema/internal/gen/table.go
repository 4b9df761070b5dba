package gen

import (
	"bytes"
	"cmp"
	"fmt"
	"go/format"
	"slices"
	"strconv"
	"strings"

	"cuelang.org/go/cue"
)

// Table walks the compiled schemas and returns the Go source of
// table_gen.go: every definition reachable from a Tekton object's root
// definition, as the validator's typeDef and structDef values.
func Table(pkgs map[string]cue.Value) ([]byte, error) {
	w := &walker{byKey: map[string]int32{}, byRef: map[string]int32{}, patIndex: map[string]int16{}}
	roots := map[string]int32{}
	for _, name := range sortedKeys((pkgs)) {
		it, err := pkgs[name].Fields(cue.Definitions(true))
		if err != nil {
			return nil, err
		}
		for it.Next() {
			v := it.Value()
			api, ok1 := concreteString(v, "apiVersion")
			kind, ok2 := concreteString(v, "kind")
			if !ok1 || !ok2 {
				continue
			}
			roots[api+" "+kind] = w.intern(w.analyse(v, strings.TrimPrefix(it.Selector().String(), "#")))
		}
	}
	if w.err != nil {
		return nil, w.err
	}
	return w.emit(roots)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// concreteString returns the single string a definition's field may hold.
func concreteString(v cue.Value, field string) (string, bool) {
	it, err := v.Fields(cue.Optional(true))
	if err != nil {
		return "", false
	}
	for it.Next() {
		if it.Selector().Unquoted() == field {
			s, err := it.Value().String()
			return s, err == nil
		}
	}
	return "", false
}

type tType struct {
	Kinds     uint8
	AnyString bool
	Enum      []string
	Patterns  []int16
	Elem      int32
	Struct    int32
	OneOf     [][]string
}

type tField struct {
	Name     string
	Type     int32
	Required bool
	Unless   []string
}

type tStruct struct {
	Name   string
	Fields []tField
	Rest   int32
}

// Bits of kindSet, as in package schema.
const (
	kNull uint8 = 1 << iota
	kBool
	kInt
	kFloat
	kString
	kMap
	kList
	kAny = kNull | kBool | kInt | kFloat | kString | kMap | kList
)

type walker struct {
	types    []tType
	structs  []tStruct
	byKey    map[string]int32 // deduplicates identical types
	byRef    map[string]int32 // definitions already walked (or being walked)
	patterns []string
	patIndex map[string]int16
	err      error
}

// refKey names the definition v refers to, or "".
func refKey(v cue.Value) (string, string) {
	root, p := v.ReferencePath()
	if !root.Exists() || len(p.Selectors()) == 0 {
		return "", ""
	}
	sels := p.Selectors()
	if !sels[len(sels)-1].IsDefinition() {
		return "", ""
	}
	name := strings.TrimPrefix(sels[len(sels)-1].String(), "#")
	return root.BuildInstance().ImportPath + ":" + p.String(), name
}

// typeOf returns the index of v's type.
func (w *walker) typeOf(v cue.Value) int32 {
	t := w.analyse(v, "")
	return w.intern(t)
}

func (w *walker) intern(t tType) int32 {
	key := fmt.Sprintf("%#v", t)
	if i, ok := w.byKey[key]; ok {
		return i
	}
	w.types = append(w.types, t)
	i := int32(len(w.types) - 1)
	w.byKey[key] = i
	return i
}

// analyse describes v. name names the struct when v is a definition.
func (w *walker) analyse(v cue.Value, name string) tType {
	op, args := v.Expr()
	switch op {
	case cue.OrOp:
		var t tType
		for i, a := range args {
			at := w.analyse(a, "")
			if i == 0 {
				t = at
				continue
			}
			t = w.union(t, at)
		}
		return t
	case cue.AndOp:
		// A conjunction: structural parts and validators (matchN). The
		// structure is read from v itself, which holds the unification;
		// the validators add OneOf groups.
		var oneOf [][]string
		var structural []cue.Value
		for _, a := range args {
			if g := w.matchN(a); g != nil {
				oneOf = append(oneOf, g)
				continue
			}
			if op, _ := a.Expr(); op == cue.NoOp && a.IncompleteKind() == cue.TopKind {
				continue // _ adds nothing
			}
			structural = append(structural, a)
		}
		var t tType
		if len(structural) == 1 {
			t = w.analyse(structural[0], name)
		} else {
			if name == "" {
				for _, a := range structural {
					if _, n := refKey(a); n != "" {
						name = n
						break
					}
				}
			}
			t = w.shape(v, name)
		}
		t.OneOf = append(t.OneOf, oneOf...)
		return t
	case cue.CallOp:
		if g := w.matchN(v); g != nil {
			return tType{Kinds: kAny, AnyString: true, Elem: -1, Struct: -1, OneOf: [][]string{g}}
		}
		w.err = fmt.Errorf("%v: unsupported validator call", v.Pos())
		return tType{}
	case cue.RegexMatchOp:
		s, _ := args[0].String()
		return tType{Kinds: kString, Patterns: []int16{w.pattern(s)}, Elem: -1, Struct: -1}
	}
	if key, n := refKey(v); key != "" {
		return w.ref(v, key, n)
	}
	return w.shape(v, name)
}

// ref describes a reference to a definition. A definition that is a plain
// struct is walked once and shared, which is also what ends the recursion
// of definitions that contain themselves; any other definition (a
// disjunction, a struct with a validator) is described where it is used.
func (w *walker) ref(v cue.Value, key, name string) tType {
	if i, ok := w.byRef[key]; ok {
		return w.types[i]
	}
	root, p := v.ReferencePath()
	dv := root.LookupPath(p)
	if op, _ := dv.Expr(); op == cue.NoOp && dv.IncompleteKind() == cue.StructKind {
		w.structs = append(w.structs, tStruct{Name: name})
		si := int32(len(w.structs) - 1)
		t := tType{Kinds: kMap, Elem: -1, Struct: si}
		w.byRef[key] = w.intern(t)
		w.structs[si] = w.structOf(dv, name)
		return t
	}
	t := w.analyse(dv, name)
	w.byRef[key] = w.intern(t)
	return t
}

// deref returns the definition v refers to, or v.
func deref(v cue.Value) cue.Value {
	if key, _ := refKey(v); key != "" {
		root, p := v.ReferencePath()
		return root.LookupPath(p)
	}
	return v
}

// shape describes v by its kind, without looking at its expression.
func (w *walker) shape(v cue.Value, name string) tType {
	t := tType{Elem: -1, Struct: -1}
	k := v.IncompleteKind()
	if k == cue.BottomKind {
		w.err = fmt.Errorf("%v: cannot describe %v", v.Pos(), v)
		return t
	}
	if s, err := v.String(); err == nil {
		return tType{Kinds: kString, Enum: []string{s}, Elem: -1, Struct: -1}
	}
	if k&cue.NullKind != 0 {
		t.Kinds |= kNull
	}
	if k&cue.BoolKind != 0 {
		t.Kinds |= kBool
	}
	if k&cue.IntKind != 0 {
		t.Kinds |= kInt
	}
	if k&cue.FloatKind != 0 {
		t.Kinds |= kFloat
	}
	if k&cue.StringKind != 0 {
		t.Kinds |= kString
		t.AnyString = true
	}
	if k&cue.ListKind != 0 {
		t.Kinds |= kList
		if e := v.LookupPath(cue.MakePath(cue.AnyIndex)); e.Exists() {
			t.Elem = w.typeOf(e)
		}
	}
	if k&cue.StructKind != 0 {
		t.Kinds |= kMap
		if k == cue.TopKind {
			return t // _: anything
		}
		s := w.structOf(v, name)
		if s.Rest == w.anyType() && len(s.Fields) == 0 {
			return t // {...}: any map
		}
		w.structs = append(w.structs, s)
		t.Struct = int32(len(w.structs) - 1)
	}
	return t
}

func (w *walker) anyType() int32 {
	return w.intern(tType{Kinds: kAny, AnyString: true, Elem: -1, Struct: -1})
}

// structOf lists v's fields.
func (w *walker) structOf(v cue.Value, name string) tStruct {
	s := tStruct{Name: name, Rest: -1}
	it, err := v.Fields(cue.Optional(true))
	if err != nil {
		w.err = err
		return s
	}
	for it.Next() {
		f := tField{
			Name:     it.Selector().Unquoted(),
			Required: it.FieldType()&cue.RequiredConstraint != 0,
			Type:     w.typeOf(it.Value()),
		}
		if a := it.Value().Attribute("pipec"); a.Err() == nil {
			if u, ok, _ := a.Lookup(0, "unless"); ok {
				f.Unless = strings.Split(u, ".")
			}
		}
		s.Fields = append(s.Fields, f)
	}
	slices.SortFunc(s.Fields, func(a, b tField) int { return cmp.Compare(a.Name, b.Name) })
	if p := v.LookupPath(cue.MakePath(cue.AnyString)); p.Exists() {
		s.Rest = w.typeOf(p)
	} else if !v.IsClosed() {
		s.Rest = w.anyType()
	}
	return s
}

// matchN reads a validator matchN(>=1, [{a!: _}, {b!: _}]), possibly
// behind a reference, as the group of fields [a, b] of which one is needed.
func (w *walker) matchN(v cue.Value) []string {
	op, args := deref(v).Expr()
	if op != cue.CallOp || len(args) != 3 {
		return nil
	}
	if !strings.HasPrefix(fmt.Sprint(deref(v)), "matchN(") {
		return nil
	}
	if b := fmt.Sprint(args[1]); b != ">=1" {
		w.err = fmt.Errorf("%v: only matchN(>=1, …) is supported, got %s", v.Pos(), b)
		return nil
	}
	var group []string
	list, _ := args[2].List()
	for list.Next() {
		it, _ := list.Value().Fields(cue.Optional(true))
		n := 0
		for it.Next() {
			if it.FieldType()&cue.RequiredConstraint == 0 {
				continue
			}
			group = append(group, it.Selector().Unquoted())
			n++
		}
		if n != 1 {
			w.err = fmt.Errorf("%v: each matchN alternative must require one field", v.Pos())
		}
	}
	return group
}

func (w *walker) pattern(s string) int16 {
	if i, ok := w.patIndex[s]; ok {
		return i
	}
	w.patterns = append(w.patterns, s)
	i := int16(len(w.patterns) - 1)
	w.patIndex[s] = i
	return i
}

// union merges the alternatives of a disjunction. Two alternatives of one
// kind merge their constraints; two different structs, or lists of
// different elements, cannot be told apart by kind and are refused.
func (w *walker) union(a, b tType) tType {
	t := a
	t.Kinds |= b.Kinds
	t.AnyString = a.AnyString || b.AnyString
	t.Enum = append(slices.Clone(a.Enum), b.Enum...)
	t.Patterns = append(slices.Clone(a.Patterns), b.Patterns...)
	if t.AnyString {
		t.Enum, t.Patterns = nil, nil
	}
	if a.Kinds&kList != 0 && b.Kinds&kList != 0 && a.Elem != b.Elem {
		w.err = fmt.Errorf("disjunction of two list types")
	} else if b.Kinds&kList != 0 {
		t.Elem = b.Elem
	}
	if a.Kinds&kMap != 0 && b.Kinds&kMap != 0 && a.Struct != b.Struct {
		w.err = fmt.Errorf("disjunction of two struct types")
	} else if b.Kinds&kMap != 0 {
		t.Struct = b.Struct
	}
	t.OneOf = append(slices.Clone(a.OneOf), b.OneOf...)
	return t
}

func (w *walker) emit(roots map[string]int32) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("// Code generated by schemagen from the CUE schemas in tekton/; DO NOT EDIT.\n\npackage schema\n\n")
	b.WriteString("var patternSources = [...]string{\n")
	for _, p := range w.patterns {
		fmt.Fprintf(&b, "\t%q,\n", p)
	}
	b.WriteString("}\n\nvar types = [...]typeDef{\n")
	for i, t := range w.types {
		fmt.Fprintf(&b, "\t%d: {Kinds: %#x, Elem: %d, Struct: %d", i, t.Kinds, t.Elem, t.Struct)
		if t.AnyString {
			b.WriteString(", AnyString: true")
		}
		if len(t.Enum) > 0 {
			fmt.Fprintf(&b, ", Enum: %s", goStrings(t.Enum))
		}
		if len(t.Patterns) > 0 {
			fmt.Fprintf(&b, ", Patterns: %#v", t.Patterns)
		}
		if len(t.OneOf) > 0 {
			b.WriteString(", OneOf: [][]string{")
			for _, g := range t.OneOf {
				b.WriteString(goStrings(g) + ", ")
			}
			b.WriteString("}")
		}
		b.WriteString("},\n")
	}
	b.WriteString("}\n\nvar structs = [...]structDef{\n")
	for i, s := range w.structs {
		fmt.Fprintf(&b, "\t%d: {Name: %q, Rest: %d, Fields: []fieldDef{\n", i, s.Name, s.Rest)
		for _, f := range s.Fields {
			fmt.Fprintf(&b, "\t\t{Name: %q, Type: %d", f.Name, f.Type)
			if f.Required {
				b.WriteString(", Required: true")
			}
			if len(f.Unless) > 0 {
				fmt.Fprintf(&b, ", Unless: %s", goStrings(f.Unless))
			}
			b.WriteString("},\n")
		}
		b.WriteString("\t}},\n")
	}
	b.WriteString("}\n\n// roots maps \"apiVersion kind\" to the type of the object.\nvar roots = map[string]int32{\n")
	for _, k := range sortedKeys((roots)) {
		fmt.Fprintf(&b, "\t%q: %d,\n", k, roots[k])
	}
	b.WriteString("}\n")
	return format.Source(b.Bytes())
}

func goStrings(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return "[]string{" + strings.Join(q, ", ") + "}"
}
