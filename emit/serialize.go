package emit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
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
	var objs []Object
	for _, r := range out.Runs {
		objs = append(objs, r.Objects...)
	}
	fs := make([]File, len(objs))
	if err := marshalAll(objs, func(i int, b []byte) { fs[i] = File{Name: objs[i].FileName(), Data: b} }); err != nil {
		return nil, err
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
	var objs []Object
	for _, r := range out.Runs {
		objs = append(objs, r.Objects...)
	}
	docs := make([][]byte, len(objs))
	if err := marshalAll(objs, func(i int, b []byte) { docs[i] = b }); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	for _, d := range docs {
		buf.WriteString("---\n")
		buf.Write(d)
	}
	return buf.Bytes(), nil
}

// marshalAll marshals objects on every CPU: objects are independent, and
// serialising them is most of a big pipeline's compile time. set is called
// with each object's index, from any goroutine.
func marshalAll(objs []Object, set func(int, []byte)) error {
	var wg sync.WaitGroup
	errs := make([]error, len(objs))
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), len(objs)) {
		wg.Go(func() {
			for i := range next {
				b, err := Marshal(objs[i].Obj)
				errs[i] = err
				set(i, b)
			}
		})
	}
	for i := range objs {
		next <- i
	}
	close(next)
	wg.Wait()
	return errors.Join(errs...)
}

// Marshal writes one object as YAML (see yaml.go), keys sorted, without the empty fields
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
	return writeYAML(clean(v)), nil
}

// emptyDropped are the keys whose empty objects mean nothing.
var emptyDropped = map[string]bool{"status": true, "resources": true, "metadata": true}

// clean drops nulls and meaningless empty objects, and makes JSON numbers
// numbers.
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
	case json.Number:
		// As a number, not a string that looks like one.
		if i, err := x.Int64(); err == nil {
			return i
		}
		if f, err := x.Float64(); err == nil {
			return f
		}
	}
	return v
}
