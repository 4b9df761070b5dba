package emit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"sigs.k8s.io/yaml"
)

// File is one file of -o DIR.
type File struct {
	Name string
	Data []byte
}

// FileName is the file an object is written to: its rank, kind and name,
// so that the lexical order kubectl apply -R -f DIR reads files in is an
// order that works (a coordinator's identity before its Job, claims before
// the pods that mount them, the coordinator last).
func (o Object) FileName() string {
	return fmt.Sprintf("%02d-%s-%s.yaml", o.Rank, strings.ToLower(o.Kind), o.Name)
}

// Files returns every object of every run as a file of its own, sorted by
// name.
func (out *Output) Files() ([]File, error) {
	var fs []File
	for _, r := range out.Runs {
		for _, o := range r.Objects {
			b, err := Marshal(o.Obj)
			if err != nil {
				return nil, err
			}
			fs = append(fs, File{Name: o.FileName(), Data: b})
		}
	}
	slices.SortFunc(fs, func(a, b File) int { return strings.Compare(a.Name, b.Name) })
	for i := 1; i < len(fs); i++ {
		if fs[i].Name == fs[i-1].Name {
			return nil, fmt.Errorf("two objects would be written to %s", fs[i].Name)
		}
	}
	return fs, nil
}

// YAML returns every object as one multi-document YAML stream, run by run
// in the order they are applied.
func (out *Output) YAML() ([]byte, error) {
	var buf bytes.Buffer
	for _, r := range out.Runs {
		for _, o := range r.Objects {
			b, err := Marshal(o.Obj)
			if err != nil {
				return nil, err
			}
			buf.WriteString("---\n")
			buf.Write(b)
		}
	}
	return buf.Bytes(), nil
}

// Marshal writes one object as YAML, keys sorted, without the empty fields
// the Kubernetes types always write (creationTimestamp: null, status: {}),
// so that the output shows only what pipec decided.
func Marshal(obj any) ([]byte, error) {
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	var v any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return yaml.Marshal(clean(v))
}

// emptyDropped are the keys whose empty objects mean nothing.
var emptyDropped = map[string]bool{"status": true, "resources": true, "metadata": true}

func clean(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if e == nil {
				delete(x, k)
				continue
			}
			e = clean(e)
			if m, ok := e.(map[string]any); ok && len(m) == 0 && emptyDropped[k] {
				delete(x, k)
				continue
			}
			x[k] = e
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = clean(e)
		}
	}
	return v
}
