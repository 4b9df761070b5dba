package emit

import (
	"encoding/json"
	"maps"

	"github.com/pipec-dev/pipec/model"
)

// matrixInfo is a matrixed task's combinations, known at compile time.
type matrixInfo struct {
	combos []map[string]string
	names  map[string]bool // every param some combination sets
	json   string          // combos as the wrapper reads them (PIPEC_MATRIX)
}

// matrixParam is one matrix param with its values.
type matrixParam struct {
	name   string
	values []string
}

// buildMatrix substitutes a pipeline task's matrix and fans it out. The
// combinations must be known at compile time: they make the Job's
// completions.
func (rc *runContext) buildMatrix(m *model.Matrix, sub *substituter) (*matrixInfo, bool) {
	var params []matrixParam
	ok := true
	runTime := func(p *model.Param, vals []string) bool {
		for _, v := range vals {
			for _, r := range refsOfText(v) {
				if isRunTime(r) {
					rc.c.errorf(p.Node.Range(), CodeMatrixRunTime, "matrix param %q takes its values from %s, known only at run time", p.Name.Value, r.Text(v)).
						Explain("pipec compiles a matrix into one Indexed Job whose completions are the combinations, so they must be known when the run starts. Pass the values as a param of the run, or fan out in the task's script.")
					return true
				}
			}
		}
		return false
	}
	for _, p := range m.Params {
		if p.Value == nil {
			continue
		}
		var vals []string
		switch p.Value.Type {
		case model.TypeArray:
			vals = sub.paramValue(p.Value, model.TypeArray).arr
		default:
			w := sub.whole(p.Value.Str)
			if w == nil || w.runtime != "" {
				if w != nil {
					rc.c.errorf(p.Node.Range(), CodeMatrixRunTime, "matrix param %q takes its values from $(%s[*]), known only at run time", p.Name.Value, w.runtime).
						Explain("pipec compiles a matrix into one Indexed Job whose completions are the combinations, so they must be known when the run starts. Pass the values as a param of the run, or fan out in the task's script.")
				} else {
					rc.c.errorf(p.Node.Range(), CodeMatrixRunTime, "matrix param %q is not an array known at compile time", p.Name.Value)
				}
				ok = false
				continue
			}
			vals = w.arr
		}
		if runTime(p, vals) {
			ok = false
			continue
		}
		params = append(params, matrixParam{name: p.Name.Value, values: vals})
	}
	var includes []map[string]string
	for _, inc := range m.Include {
		c := map[string]string{}
		for _, p := range inc.Params {
			if p.Value == nil {
				continue
			}
			v := sub.text(p.Value.Str)
			if runTime(p, []string{v}) {
				ok = false
			}
			c[p.Name.Value] = v
		}
		includes = append(includes, c)
	}
	if !ok {
		return nil, false
	}
	mi := &matrixInfo{combos: fanOut(params, includes), names: map[string]bool{}}
	for _, c := range mi.combos {
		for k := range c {
			mi.names[k] = true
		}
	}
	b, err := json.Marshal(mi.combos)
	if err != nil {
		panic(err)
	}
	mi.json = string(b)
	return mi, true
}

// fanOut computes a matrix's combinations as Tekton does (matrix_types.go):
// the product of the params, each new param's values outermost; then each
// include entry adds its params to every combination it does not
// contradict, and becomes a combination of its own when it matches none.
func fanOut(params []matrixParam, includes []map[string]string) []map[string]string {
	if len(params) == 0 {
		out := make([]map[string]string, len(includes))
		for i, inc := range includes {
			out[i] = maps.Clone(inc)
		}
		return out
	}
	var cs []map[string]string
	for _, p := range params {
		if len(cs) == 0 {
			for _, v := range p.values {
				cs = append(cs, map[string]string{p.name: v})
			}
			continue
		}
		var next []map[string]string
		for _, v := range p.values {
			for _, c := range cs {
				n := maps.Clone(c)
				n[p.name] = v
				next = append(next, n)
			}
		}
		cs = next
	}
	for _, c := range cs {
		for _, inc := range includes {
			if contains(c, inc) {
				maps.Copy(c, inc)
			}
		}
	}
	for _, inc := range includes {
		if shouldAdd(cs, inc) {
			cs = append(cs, maps.Clone(inc))
		}
	}
	return cs
}

// contains reports whether include agrees with every value c has.
func contains(c, include map[string]string) bool {
	for k, v := range include {
		if cv, ok := c[k]; ok && cv != v {
			return false
		}
	}
	return true
}

// shouldAdd reports whether include matches no combination on any of its
// values, and so is a combination of its own.
func shouldAdd(cs []map[string]string, include map[string]string) bool {
	if len(include) == 0 {
		return false
	}
	for _, c := range cs {
		for k, v := range include {
			if cv, ok := c[k]; ok && cv == v {
				return false
			}
		}
	}
	return true
}
