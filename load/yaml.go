package load

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/source"
)

// Diagnostic codes of the loader.
const (
	CodeYAMLSyntax   = "PC0001"
	CodeDuplicateKey = "PC0002"
	CodeNotObject    = "PC0003"
	CodeNoKind       = "PC0004"
	CodeAliasBomb    = "PC0005"
	CodeCUE          = "PC0006"
)

// YAML reads every document of a YAML stream. A syntax error in one document
// is reported and the others are still read: documents are split at their
// "---" markers first, as a YAML parser would, and parsed one by one.
func YAML(f *source.File) ([]*Doc, []diag.Diagnostic) {
	var docs []*Doc
	var ds diag.List
	for i, c := range splitDocuments(f.Src) {
		root, err := parseChunk(f, c)
		if err != nil {
			ds.Add(*err)
			continue
		}
		if root == nil {
			continue // empty document: only comments or whitespace
		}
		conv := converter{file: f, lineBase: c.line - 1}
		n := conv.node(root, 0)
		ds = append(ds, conv.diags...)
		if n == nil || conv.broken {
			continue
		}
		docs = append(docs, documents(f, i, n, &ds)...)
	}
	return docs, ds
}

// documents turns a document's root into Docs: itself, or the items of a
// Kubernetes List.
func documents(f *source.File, index int, n *source.Node, ds *diag.List) []*Doc {
	switch {
	case n.Kind == source.Null:
		return nil
	case n.Kind != source.Map:
		ds.Errorf(n.Range(), CodeNotObject, "document is a %s, not an object", n.Kind).
			Explain("Each YAML document must be a mapping with apiVersion, kind and metadata.")
		return nil
	}
	if kind := n.Str("kind"); strings.HasSuffix(kind, "List") && n.Get("items") != nil {
		var out []*Doc
		for _, item := range n.Get("items").Items() {
			out = append(out, documents(f, index, item, ds)...)
		}
		return out
	}
	d := newDoc(f, index, n)
	if d.Kind == "" {
		ds.Infof(n.Range(), CodeNoKind, "document has no kind; it is ignored").
			Explain("pipec reads objects by their apiVersion and kind.")
	}
	return []*Doc{d}
}

type chunk struct {
	start, end int // byte range in the file
	line       int // 1-based line of start
}

var docMarker = regexp.MustCompile(`(?m)^(---|\.\.\.)([ \t].*)?\r?$`)

// splitDocuments cuts a stream at its document markers. A marker at column 0
// always ends a document in YAML, even inside a block scalar, so the split
// is exact and needs no parsing.
func splitDocuments(src []byte) []chunk {
	var out []chunk
	start, line := 0, 1
	for _, m := range docMarker.FindAllIndex(src, -1) {
		isEnd := src[m[0]] == '.'
		end := m[0]
		if isEnd {
			// "..." closes the current document; the next starts after it.
			end = m[1]
		}
		if end > start || isEnd {
			out = append(out, chunk{start, end, line})
		}
		line += bytes.Count(src[start:end], []byte{'\n'})
		start = end
	}
	out = append(out, chunk{start, len(src), line})
	return out
}

var yamlErrLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parseChunk parses one document. It returns a nil node for an empty one.
func parseChunk(f *source.File, c chunk) (*yaml.Node, *diag.Diagnostic) {
	var root yaml.Node
	err := yaml.NewDecoder(bytes.NewReader(f.Src[c.start:c.end])).Decode(&root)
	if errors.Is(err, io.EOF) {
		return nil, nil
	}
	if err != nil {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		if m := yamlErrLine.FindStringSubmatch(err.Error()); m != nil {
			msg = m[2]
		}
		line := c.line + errorLine(f.Src[c.start:c.end], msg) - 1
		// The parser gives no column: point at the line's first character.
		off := f.Offset(line, 1)
		for off < len(f.Src) && (f.Src[off] == ' ' || f.Src[off] == '\t') {
			off++
		}
		lineEnd := off
		for lineEnd < len(f.Src) && f.Src[lineEnd] != '\n' {
			lineEnd++
		}
		d := diag.Diagnostic{Code: CodeYAMLSyntax, Message: "YAML syntax error: " + msg, Subject: f.Range(off, lineEnd)}
		d.Detail = "This document is skipped; the other documents of the file are still read."
		return nil, &d
	}
	if len(root.Content) == 0 {
		return nil, nil
	}
	return root.Content[0], nil
}

// errorLine finds the line of a chunk where a YAML error lies. The parser's
// own line number is unreliable: for some errors it is 0-based, for others
// it names the start of the enclosing collection, and it gives no column.
// A prefix of the document ending before the faulty line parses, or fails
// differently, so a binary search over prefixes finds the first line at
// which the same error appears.
func errorLine(src []byte, msg string) int {
	starts := []int{0}
	for i, b := range src {
		if b == '\n' && i+1 < len(src) {
			starts = append(starts, i+1)
		}
	}
	failsAt := func(k int) bool { // the first k lines fail with msg
		end := len(src)
		if k < len(starts) {
			end = starts[k]
		}
		var n yaml.Node
		err := yaml.NewDecoder(bytes.NewReader(src[:end])).Decode(&n)
		return err != nil && strings.HasSuffix(err.Error(), msg)
	}
	lo, hi := 1, len(starts)
	if !failsAt(hi) {
		return 1
	}
	for lo < hi {
		mid := (lo + hi) / 2
		if failsAt(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// converter turns yaml.v3 nodes into source.Nodes.
type converter struct {
	file     *source.File
	lineBase int
	diags    diag.List
	seen     map[*yaml.Node]*source.Node // anchors already converted
	sizes    map[*source.Node]int
	expanded int
	real     int
	// broken is set when the document cannot be read as Kubernetes would
	// read it; it is then dropped rather than checked half-read.
	broken bool
}

// maxExpansion bounds what aliases may expand to ("billion laughs").
const maxExpansion = 1_000_000

func (c *converter) node(y *yaml.Node, depth int) *source.Node {
	if depth > 512 {
		c.diags.Errorf(c.pos(y), CodeYAMLSyntax, "YAML nesting is deeper than 512 levels")
		return nil
	}
	if y.Kind == yaml.AliasNode {
		target := c.seen[y.Alias]
		if target == nil { // an alias to an enclosing node: a cycle
			c.diags.Errorf(c.pos(y), CodeYAMLSyntax, "alias *%s refers to a node that contains it", y.Value)
			return nil
		}
		c.expanded += c.size(target)
		if c.expanded > maxExpansion && c.expanded > 100*c.real {
			c.diags.Errorf(c.pos(y), CodeAliasBomb, "aliases expand this document to more than %d values", maxExpansion)
			return nil
		}
		return target
	}
	c.real++
	start := c.startByte(y)
	n := &source.Node{File: c.file, Start: c.file.Pos(start)}
	if y.Anchor != "" {
		if c.seen == nil {
			c.seen = map[*yaml.Node]*source.Node{}
		}
		// Registered only once converted: an alias inside its own anchor is a cycle.
		defer func() { c.seen[y] = n }()
	}
	switch y.Kind {
	case yaml.ScalarNode:
		c.scalar(n, y, start)
	case yaml.SequenceNode:
		n.Kind = source.List
		for _, e := range y.Content {
			if en := c.node(e, depth+1); en != nil {
				n.Elems = append(n.Elems, en)
			}
		}
		c.closeCollection(n, y, start)
	case yaml.MappingNode:
		n.Kind = source.Map
		c.mapping(n, y, depth)
		c.closeCollection(n, y, start)
	case yaml.DocumentNode:
		if len(y.Content) > 0 {
			return c.node(y.Content[0], depth)
		}
		return nil
	}
	return n
}

func (c *converter) mapping(n *source.Node, y *yaml.Node, depth int) {
	index := map[string]int{}
	var merges []*source.Node
	for i := 0; i+1 < len(y.Content); i += 2 {
		ky, vy := y.Content[i], y.Content[i+1]
		if ky.Kind == yaml.ScalarNode && ky.Tag == "!!merge" {
			if m := c.node(vy, depth+1); m != nil {
				merges = append(merges, m)
			}
			continue
		}
		k := c.node(ky, depth+1)
		if k == nil {
			continue
		}
		if !k.IsScalar() {
			d := c.diags.Errorf(k.Range(), CodeYAMLSyntax, "map key is a %s; keys must be strings", k.Kind)
			d.Detail = "This document is skipped; the other documents of the file are still read."
			if k.Kind == source.Map && vy.Kind == yaml.ScalarNode && vy.Value == "" {
				d.Detail = "An unquoted value starting with \"{\" is a YAML flow map, so {{X}} is a map inside a map. Quote it (\"{{X}}\") if it is a template placeholder. " + d.Detail
			}
			c.broken = true
			continue
		}
		if j, dup := index[k.Value]; dup {
			c.diags.Errorf(k.Range(), CodeDuplicateKey, "duplicate key %q", k.Value).
				With(n.Keys[j].Range(), "first defined here").
				Explain("Kubernetes rejects a document with a repeated key; only the first is kept here.")
			continue
		}
		v := c.node(vy, depth+1)
		if v == nil {
			v = &source.Node{File: c.file, Start: k.End, End: k.End}
		}
		index[k.Value] = len(n.Keys)
		n.Keys = append(n.Keys, k)
		n.Elems = append(n.Elems, v)
	}
	// Merge keys ("<<: *base") add the entries that the map does not set
	// itself; earlier merged maps win over later ones, as in YAML 1.1.
	for _, m := range merges {
		var srcs []*source.Node
		switch m.Kind {
		case source.Map:
			srcs = []*source.Node{m}
		case source.List:
			srcs = m.Elems
		}
		for _, s := range srcs {
			for i, k := range s.Keys {
				if _, ok := index[k.Value]; !ok {
					index[k.Value] = len(n.Keys)
					n.Keys = append(n.Keys, k)
					n.Elems = append(n.Elems, s.Elems[i])
				}
			}
		}
	}
}

func (c *converter) scalar(n *source.Node, y *yaml.Node, start int) {
	n.Value = y.Value
	switch {
	case y.Style&yaml.LiteralStyle != 0:
		n.Style = source.Literal
	case y.Style&yaml.FoldedStyle != 0:
		n.Style = source.Folded
	case y.Style&yaml.SingleQuotedStyle != 0:
		n.Style = source.SingleQuoted
	case y.Style&yaml.DoubleQuotedStyle != 0:
		n.Style = source.DoubleQuoted
	}
	switch y.ShortTag() {
	case "!!null":
		n.Kind = source.Null
	case "!!bool":
		n.Kind = source.Bool
	case "!!int":
		n.Kind = source.Int
	case "!!float":
		n.Kind = source.Float
	default:
		n.Kind = source.String
	}
	end := source.ScalarEnd(c.file.Src, start, n.Style, n.Value)
	if end < 0 {
		// Not expected; keep a sensible caret rather than a wrong one.
		n.Style = source.Computed
		end = start
		for end < len(c.file.Src) && c.file.Src[end] != '\n' {
			end++
		}
	}
	n.End = c.file.Pos(end)
}

func (c *converter) closeCollection(n *source.Node, y *yaml.Node, start int) {
	switch {
	case len(n.Elems) > 0:
		n.End = n.Elems[len(n.Elems)-1].End
	case y.Style&yaml.FlowStyle != 0:
		n.End = c.file.Pos(start + 2) // "{}" or "[]"
	default:
		n.End = n.Start
	}
}

func (c *converter) size(n *source.Node) int {
	if s, ok := c.sizes[n]; ok {
		return s
	}
	s := 1
	for _, e := range n.Elems {
		s += c.size(e)
	}
	if c.sizes == nil {
		c.sizes = map[*source.Node]int{}
	}
	c.sizes[n] = s
	return s
}

// startByte is the byte offset where the node's own text starts, past any
// anchor ("&a") or tag ("!!str") written before it.
func (c *converter) startByte(y *yaml.Node) int {
	src := c.file.Src
	off := c.file.Offset(y.Line+c.lineBase, y.Column)
	for off < len(src) && (src[off] == '&' || src[off] == '!') {
		for off < len(src) && !isBlank(src[off]) {
			off++
		}
		for off < len(src) && isBlank(src[off]) {
			off++
		}
	}
	return off
}

func isBlank(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

func (c *converter) pos(y *yaml.Node) diag.Range {
	off := c.file.Offset(y.Line+c.lineBase, y.Column)
	return c.file.Range(off, off)
}
