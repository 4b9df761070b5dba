package load

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/cuecontext"
	cueerrors "cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/literal"
	cueload "cuelang.org/go/cue/load"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"

	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/schema/tekton"
	"github.com/pipec-dev/pipec/source"
)

// CUE reads CUE files. Files in one directory with the same package clause
// are evaluated together as a package; its concrete top-level values that
// are objects (or lists of objects) become documents.
//
// pipec's schemas are available to the package as "pipec.dev/tekton/v1"
// (and v1beta1, v1alpha1, k8s): they are placed, from the copy embedded in
// the binary, in the cue.mod/pkg directory of the module the files belong
// to, in memory only. A module that vendors them with `pipec schema export`
// gets the same files, so `cue vet` and pipec read the same definitions.
func CUE(files []*source.File) ([]*Doc, []diag.Diagnostic) {
	var docs []*Doc
	var ds diag.List
	type group struct {
		dir   string
		files []*source.File
	}
	var groups []*group
	index := map[string]*group{}
	for _, f := range files {
		abs := cueAbs(f.Name)
		pkg := ""
		if af, err := parser.ParseFile(abs, f.Src, parser.PackageClauseOnly); err == nil {
			pkg = af.PackageName()
		}
		key := filepath.Dir(abs) + "\x00" + pkg
		if index[key] == nil {
			index[key] = &group{dir: filepath.Dir(abs)}
			groups = append(groups, index[key])
		}
		index[key].files = append(index[key].files, f)
	}
	ctx := cuecontext.New()
	for _, g := range groups {
		d, diags := cuePackage(ctx, g.dir, g.files)
		docs = append(docs, d...)
		ds = append(ds, diags...)
	}
	return docs, ds
}

// cueAbs is the absolute path under which a file is shown to the CUE
// loader. stdin gets a directory of its own.
func cueAbs(name string) string {
	if name == "-" {
		return "/pipec-stdin/stdin.cue"
	}
	if abs, err := filepath.Abs(name); err == nil {
		return abs
	}
	return filepath.Join("/pipec-input", name)
}

// moduleRoot finds the CUE module dir belongs to: the nearest directory at
// or above it with a cue.mod. Without one, dir becomes the root of a module
// that exists only in memory.
func moduleRoot(dir string) (string, bool) {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "cue.mod", "module.cue")); err == nil {
			return d, true
		}
		if filepath.Dir(d) == d {
			return dir, false
		}
	}
}

// cuePackage loads and evaluates one package's files.
func cuePackage(ctx *cue.Context, dir string, files []*source.File) ([]*Doc, []diag.Diagnostic) {
	c := &cueConv{byPath: map[string]*source.File{}}
	root, real := moduleRoot(dir)
	overlay := map[string]cueload.Source{}
	if !real {
		overlay[filepath.Join(root, "cue.mod", "module.cue")] = cueload.FromString(
			"module: \"pipec.local/input\"\nlanguage: version: \"v0.9.0\"\n")
	}
	for name, b := range tekton.Files() {
		p := filepath.Join(root, "cue.mod", "pkg", filepath.FromSlash(path.Join(tekton.ModulePath, name)))
		overlay[p] = cueload.FromBytes(b)
	}
	var args []string
	for _, f := range files {
		abs := cueAbs(f.Name)
		overlay[abs] = cueload.FromBytes(f.Src)
		c.byPath[abs] = f
		args = append(args, abs)
	}
	insts := cueload.Instances(args, &cueload.Config{Dir: dir, ModuleRoot: root, Overlay: overlay})
	for _, inst := range insts {
		if inst.Err != nil {
			c.errors(inst.Err, files[0])
			continue
		}
		v := ctx.BuildInstance(inst)
		if err := v.Err(); err != nil {
			c.errors(err, files[0])
			continue
		}
		if err := v.Validate(); err != nil {
			c.errors(err, files[0])
		}
		c.collect(v, 0)
	}
	return c.docs, c.diags
}

type cueConv struct {
	byPath map[string]*source.File
	docs   []*Doc
	diags  diag.List
	index  map[*source.File]int
}

// maxCUENesting bounds how deep collect looks for objects below the top.
const maxCUENesting = 3

// collect finds the objects among v's concrete regular fields: v itself,
// fields that are objects, lists of them, and structs that group them.
// Definitions and hidden fields are schema, not input, and are skipped.
func (c *cueConv) collect(v cue.Value, depth int) {
	if isObject(v) {
		if err := v.Validate(cue.Concrete(true)); err != nil {
			c.errors(err, nil)
			return
		}
		n := c.node(v, nil)
		if n == nil || n.File == nil {
			return
		}
		if c.index == nil {
			c.index = map[*source.File]int{}
		}
		c.docs = append(c.docs, newDoc(n.File, c.index[n.File], n))
		c.index[n.File]++
		return
	}
	if depth >= maxCUENesting {
		return
	}
	switch v.IncompleteKind() {
	case cue.StructKind:
		it, err := v.Fields()
		if err != nil {
			return
		}
		for it.Next() {
			c.collect(it.Value(), depth+1)
		}
	case cue.ListKind:
		it, err := v.List()
		if err != nil {
			return
		}
		for it.Next() {
			c.collect(it.Value(), depth+1)
		}
	}
}

// isObject reports whether v is a struct with a concrete apiVersion and kind.
func isObject(v cue.Value) bool {
	if v.IncompleteKind() != cue.StructKind {
		return false
	}
	for _, f := range []string{"apiVersion", "kind"} {
		if _, err := v.LookupPath(cue.MakePath(cue.Str(f))).String(); err != nil {
			return false
		}
	}
	return true
}

// node converts a concrete value. Positions come from the CUE source of
// the value where it is one of the input files; a value defined elsewhere
// (a schema default) takes the position of the field that holds it.
func (c *cueConv) node(v cue.Value, at *source.Node) *source.Node {
	n := &source.Node{}
	c.place(n, v, at)
	switch v.Kind() {
	case cue.StructKind:
		n.Kind = source.Map
		it, err := v.Fields()
		if err != nil {
			return n
		}
		for it.Next() {
			key := &source.Node{Kind: source.String, Value: it.Selector().Unquoted(), Style: source.Computed}
			c.placeLabel(key, it.Value(), n)
			n.Keys = append(n.Keys, key)
			n.Elems = append(n.Elems, c.node(it.Value(), key))
		}
		if len(n.Elems) > 0 && n.File != nil && n.Elems[len(n.Elems)-1].File == n.File {
			n.End = maxPos(n.End, n.Elems[len(n.Elems)-1].End)
		}
	case cue.ListKind:
		n.Kind = source.List
		it, err := v.List()
		if err != nil {
			return n
		}
		for it.Next() {
			n.Elems = append(n.Elems, c.node(it.Value(), n))
		}
	case cue.StringKind:
		n.Kind = source.String
		n.Value, _ = v.String()
		n.Style = source.Computed
		if lit, ok := basicLit(v); ok && n.File != nil {
			if s, err := unquoteCUE(lit.Value); err == nil && s == n.Value {
				n.Style = source.CUEString
			}
		}
	case cue.BoolKind:
		n.Kind = source.Bool
		b, _ := v.Bool()
		n.Value = fmt.Sprint(b)
	case cue.IntKind:
		n.Kind = source.Int
		n.Value = fmt.Sprint(v)
	case cue.FloatKind, cue.NumberKind:
		n.Kind = source.Float
		n.Value = fmt.Sprint(v)
	case cue.NullKind:
		n.Kind = source.Null
	}
	return n
}

func maxPos(a, b diag.Pos) diag.Pos {
	if a.Before(b) {
		return b
	}
	return a
}

// literal returns the basic literal v was written as, if it was.
func basicLit(v cue.Value) (*ast.BasicLit, bool) {
	switch s := v.Source().(type) {
	case *ast.BasicLit:
		return s, true
	case *ast.Field:
		lit, ok := s.Value.(*ast.BasicLit)
		return lit, ok
	}
	return nil, false
}

func unquoteCUE(lit string) (string, error) {
	if !strings.HasPrefix(strings.TrimLeft(lit, "#"), "\"") && !strings.HasPrefix(strings.TrimLeft(lit, "#"), "'") {
		return "", fmt.Errorf("not a string")
	}
	return literal.Unquote(lit)
}

// place sets n's file and range from v's source, or from at.
func (c *cueConv) place(n *source.Node, v cue.Value, at *source.Node) {
	var start, end token.Pos
	switch s := v.Source().(type) {
	case *ast.Field:
		start, end = s.Value.Pos(), s.Value.End()
	case ast.Node:
		start, end = s.Pos(), s.End()
	}
	if !start.IsValid() {
		start = v.Pos()
		end = start
	}
	if f := c.byPath[start.Filename()]; f != nil && start.IsValid() {
		n.File = f
		n.Start = f.Pos(start.Offset())
		n.End = n.Start
		if end.IsValid() && end.Filename() == start.Filename() && end.Offset() >= start.Offset() {
			n.End = f.Pos(end.Offset())
		}
		return
	}
	if at != nil {
		n.File, n.Start, n.End = at.File, at.Start, at.End
	}
}

// placeLabel sets a key's position from the label of the field holding v.
func (c *cueConv) placeLabel(key *source.Node, v cue.Value, parent *source.Node) {
	if fld, ok := v.Source().(*ast.Field); ok {
		p := fld.Label.Pos()
		if f := c.byPath[p.Filename()]; f != nil && p.IsValid() {
			key.File = f
			key.Start = f.Pos(p.Offset())
			key.End = f.Pos(fld.Label.End().Offset())
			if lit, ok := fld.Label.(*ast.BasicLit); ok {
				if s, err := unquoteCUE(lit.Value); err == nil && s == key.Value {
					key.Style = source.CUEString
				}
			} else if id, ok := fld.Label.(*ast.Ident); ok && id.Name == key.Value {
				key.Style = source.Plain
			}
			return
		}
	}
	key.File, key.Start, key.End = parent.File, parent.Start, parent.Start
}

// errors converts CUE errors into diagnostics, keeping every position:
// the first in an input file is the subject, the others are related.
func (c *cueConv) errors(err error, fallback *source.File) {
	for _, e := range cueerrors.Errors(err) {
		format, args := e.Msg()
		msg := strings.TrimSuffix(fmt.Sprintf(format, args...), ".")
		var subject diag.Range
		var related []diag.Related
		for _, p := range cueerrors.Positions(e) {
			r := c.rangeOf(p)
			if !subject.IsValid() && c.byPath[p.Filename()] != nil {
				subject = r
				continue
			}
			related = append(related, diag.Related{Range: r, Message: "involved here"})
		}
		if !subject.IsValid() && len(related) > 0 {
			subject, related = related[0].Range, related[1:]
		}
		if !subject.IsValid() && fallback != nil {
			subject = fallback.Range(0, 0)
		}
		d := diag.Diagnostic{Code: CodeCUE, Message: msg, Subject: subject, Related: related}
		if p := e.Path(); len(p) > 0 {
			d.Detail = "The CUE evaluator reports this at " + strings.Join(p, ".") + "."
		}
		c.diags.Add(d)
	}
}

func (c *cueConv) rangeOf(p token.Pos) diag.Range {
	if f := c.byPath[p.Filename()]; f != nil {
		return f.Range(p.Offset(), p.Offset())
	}
	name := p.Filename()
	if i := strings.Index(name, "/cue.mod/pkg/"); i >= 0 {
		name = name[i+len("/cue.mod/pkg/"):]
	}
	pos := diag.Pos{Line: p.Line(), Column: p.Column(), Byte: p.Offset()}
	return diag.Range{File: name, Start: pos, End: pos}
}
