package emit

import (
	"strconv"
	"strings"

	"github.com/pipec-dev/pipec/model"
	"github.com/pipec-dev/pipec/ref"
)

// value is a param's value as the compiler knows it: a string, an array or
// an object of strings, or a reference to a run-time array or object
// ("$(tasks.t.results.list[*])") whose elements only the step wrapper will
// know.
type value struct {
	typ  string // model.TypeString, TypeArray or TypeObject
	str  string
	arr  []string
	keys []string // object keys, in source order
	obj  map[string]string
	// runtime is the body of a whole run-time reference the value stands
	// for ("tasks.t.results.list"), when typ is array or object.
	runtime string
}

func stringValue(s string) *value { return &value{typ: model.TypeString, str: s} }

// fromModel converts a value written in the input, without substitution.
func fromModel(v *model.Value) *value {
	if v == nil {
		return nil
	}
	switch v.Type {
	case model.TypeArray:
		out := &value{typ: model.TypeArray, arr: make([]string, len(v.Arr))}
		for i, n := range v.Arr {
			out.arr[i] = n.Value
		}
		return out
	case model.TypeObject:
		out := &value{typ: model.TypeObject, obj: map[string]string{}}
		for _, kv := range v.Obj {
			out.keys = append(out.keys, kv.Key.Value)
			out.obj[kv.Key.Value] = kv.Value.Value
		}
		return out
	}
	return stringValue(v.Str)
}

// any returns the value as JSON would hold it, for the plan.
func (v *value) any() any {
	switch {
	case v.runtime != "":
		return "$(" + v.runtime + "[*])"
	case v.typ == model.TypeArray:
		return v.arr
	case v.typ == model.TypeObject:
		return v.obj
	}
	return v.str
}

// rep is what one reference is replaced with: text, or the elements of an
// array that splice into a list where the reference stands alone.
type rep struct {
	text  string
	arr   []string
	isArr bool
}

// phase resolves the references it knows; Tekton substitutes in phases
// (params, then context, then workspaces…), each over the text the previous
// one left, so that a param's value may hold a workspace path.
type phase interface {
	resolve(r ref.Ref) (rep, bool)
}

// phaseFunc is a phase written as a function.
type phaseFunc func(r ref.Ref) (rep, bool)

func (f phaseFunc) resolve(r ref.Ref) (rep, bool) { return f(r) }

// substituter applies phases in order.
type substituter struct {
	phases []phase
}

// then returns a substituter with more phases after s's.
func (s *substituter) then(ps ...phase) *substituter {
	out := &substituter{phases: make([]phase, 0, len(s.phases)+len(ps))}
	out.phases = append(append(out.phases, s.phases...), ps...)
	return out
}

// text substitutes every phase into t. Array references are left alone in
// text, as Tekton leaves them.
func (s *substituter) text(t string) string {
	if s == nil || !strings.Contains(t, "$(") {
		return t
	}
	for _, ph := range s.phases {
		t = applyPhase(ph, t)
		if !strings.Contains(t, "$(") {
			break
		}
	}
	return t
}

func applyPhase(ph phase, t string) string {
	refs := ref.Find(t)
	if len(refs) == 0 {
		return t
	}
	var b strings.Builder
	last := 0
	for _, r := range refs {
		rp, ok := ph.resolve(r)
		if !ok || rp.isArr {
			continue
		}
		b.WriteString(t[last:r.Start])
		b.WriteString(rp.text)
		last = r.End
	}
	if last == 0 {
		return t
	}
	b.WriteString(t[last:])
	return b.String()
}

// list substitutes into the elements of a list (command, args, an array
// param value, when values): an element that is exactly a reference to an
// array becomes that array's elements.
func (s *substituter) list(elems []string) []string {
	if s == nil {
		return elems
	}
	out := elems
	for _, ph := range s.phases {
		var next []string
		for _, e := range out {
			if refs := ref.Find(e); len(refs) == 1 && refs[0].IsWhole(e) {
				if rp, ok := ph.resolve(refs[0]); ok && rp.isArr {
					next = append(next, rp.arr...)
					continue
				}
			}
			next = append(next, applyPhase(ph, e))
		}
		out = next
	}
	return out
}

// whole resolves a string that is exactly one reference to what it stands
// for, through every phase: a value when the reference is to an array or
// object (known or run-time), nil otherwise.
func (s *substituter) whole(t string) *value {
	for _, ph := range s.phases {
		refs := ref.Find(t)
		if len(refs) != 1 || !refs[0].IsWhole(t) {
			return nil
		}
		rp, ok := ph.resolve(refs[0])
		if !ok {
			continue
		}
		if rp.isArr {
			return &value{typ: model.TypeArray, arr: rp.arr}
		}
		t = rp.text
	}
	refs := ref.Find(t)
	if len(refs) == 1 && refs[0].IsWhole(t) && refs[0].Star && isRunTime(refs[0]) {
		body := t[2:strings.LastIndexByte(t, '[')]
		return &value{typ: model.TypeArray, runtime: body}
	}
	return nil
}

// paramValue substitutes into a param value passed to a task, the way
// Tekton does in a pipeline task's params: a string that is exactly a
// reference to an array or object takes that type.
func (s *substituter) paramValue(v *model.Value, declared string) *value {
	switch v.Type {
	case model.TypeArray:
		elems := make([]string, len(v.Arr))
		for i, n := range v.Arr {
			elems[i] = n.Value
		}
		return &value{typ: model.TypeArray, arr: s.list(elems)}
	case model.TypeObject:
		out := &value{typ: model.TypeObject, obj: map[string]string{}}
		for _, kv := range v.Obj {
			out.keys = append(out.keys, kv.Key.Value)
			out.obj[kv.Key.Value] = s.text(kv.Value.Value)
		}
		return out
	}
	if w := s.whole(v.Str); w != nil {
		if declared == model.TypeObject && w.runtime != "" {
			w.typ = model.TypeObject
		}
		if w.typ == model.TypeArray && w.runtime == "" && declared == model.TypeObject {
			return stringValue(s.text(v.Str))
		}
		return w
	}
	if declared == model.TypeObject {
		if w := s.wholeObject(v.Str); w != nil {
			return w
		}
	}
	return stringValue(s.text(v.Str))
}

// wholeObject resolves "$(params.obj[*])" or "$(params.obj)" to the object.
func (s *substituter) wholeObject(t string) *value {
	for _, ph := range s.phases {
		refs := ref.Find(t)
		if len(refs) != 1 || !refs[0].IsWhole(t) {
			return nil
		}
		if op, ok := ph.(objectPhase); ok {
			if v := op.object(refs[0]); v != nil {
				return v
			}
		}
	}
	return nil
}

// objectPhase is a phase that can also return a whole object.
type objectPhase interface {
	object(r ref.Ref) *value
}

// isRunTime reports whether a reference is to a value only known while the
// run runs: results and statuses of tasks.
func isRunTime(r ref.Ref) bool {
	switch r.Root() {
	case "tasks", "finally":
		return true
	}
	return false
}

// paramLookup finds the value a params reference names in vals, and what
// of it: Tekton's keys are params.NAME, params["NAME"], params['NAME'] and
// inputs.params.NAME, with [i], [*] or .KEY after.
func paramLookup(vals map[string]*value, r ref.Ref, inputs bool) (*value, string, bool) {
	names := r.Names()
	i := 1
	switch {
	case names[0] == "params":
	case inputs && names[0] == "inputs" && len(names) > 2 && names[1] == "params":
		i = 2
	default:
		return nil, "", false
	}
	if len(names) <= i {
		return nil, "", false
	}
	rest := names[i:]
	if v := vals[strings.Join(rest, ".")]; v != nil {
		return v, "", true
	}
	if len(rest) == 2 {
		if v := vals[rest[0]]; v != nil && v.typ == model.TypeObject {
			return v, rest[1], true
		}
	}
	return nil, "", false
}

// paramPhase substitutes params from vals.
type paramPhase struct {
	vals   map[string]*value
	inputs bool // also $(inputs.params.x), which Tasks still accept
	// leave names params that are not substituted here (a matrix's, given
	// to the wrapper per index): their references are kept, written the
	// canonical way so the wrapper finds them.
	leave map[string]bool
}

func (p paramPhase) resolve(r ref.Ref) (rep, bool) {
	if p.leave != nil && r.Index < 0 && !r.Star {
		names := r.Names()
		if name := names[len(names)-1]; p.leave[name] && (len(names) == 2 && names[0] == "params" ||
			len(names) == 3 && names[0] == "inputs" && names[1] == "params") {
			return rep{text: "$(params." + name + ")"}, true
		}
	}
	v, key, ok := paramLookup(p.vals, r, p.inputs)
	if !ok {
		return rep{}, false
	}
	return v.select_(r, key)
}

func (p paramPhase) object(r ref.Ref) *value {
	v, key, ok := paramLookup(p.vals, r, p.inputs)
	if !ok || key != "" || r.Index >= 0 || v.typ != model.TypeObject {
		return nil
	}
	return v
}

// select_ returns what reference r selects of v: key of an object, element
// [i] of an array, the whole of either.
func (v *value) select_(r ref.Ref, key string) (rep, bool) {
	if v.runtime != "" {
		switch {
		case key != "":
			return rep{text: "$(" + v.runtime + "." + key + ")"}, true
		case r.Index >= 0:
			return rep{text: "$(" + v.runtime + "[" + strconv.Itoa(r.Index) + "])"}, true
		}
		return rep{text: "$(" + v.runtime + "[*])"}, true
	}
	switch v.typ {
	case model.TypeArray:
		if key != "" {
			return rep{}, false
		}
		if r.Index >= 0 {
			if r.Index < len(v.arr) {
				return rep{text: v.arr[r.Index]}, true
			}
			return rep{}, false
		}
		return rep{arr: v.arr, isArr: true}, true
	case model.TypeObject:
		if key == "" || r.Index >= 0 || r.Star {
			return rep{}, false
		}
		s, ok := v.obj[key]
		return rep{text: s}, ok
	}
	if key != "" || r.Index >= 0 || r.Star {
		return rep{}, false
	}
	return rep{text: v.str}, true
}

// mapPhase substitutes references whose dotted form is a key of m
// ("context.taskRun.name", "workspaces.src.path", …).
func mapPhase(m map[string]string) phase {
	return phaseFunc(func(r ref.Ref) (rep, bool) {
		if r.Index >= 0 || r.Star {
			return rep{}, false
		}
		s, ok := m[dotted(r)]
		return rep{text: s}, ok
	})
}

// dotted is a reference's names joined with dots: the form Tekton's
// replacement keys take ("results.out.path" for $(results["out"].path)).
func dotted(r ref.Ref) string {
	if len(r.Path) == 1 {
		return r.Path[0].Name
	}
	n := 0
	for _, s := range r.Path {
		n += len(s.Name) + 1
	}
	b := make([]byte, 0, n)
	for i, s := range r.Path {
		if i > 0 {
			b = append(b, '.')
		}
		b = append(b, s.Name...)
	}
	return string(b)
}

// refsOfText returns the references in t, or nil.
func refsOfText(t string) []ref.Ref {
	if !strings.Contains(t, "$(") {
		return nil
	}
	return ref.Find(t)
}
