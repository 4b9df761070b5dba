package source

import (
	"encoding/json"
	"iter"
	"strconv"

	"github.com/pipec-dev/pipec/diag"
)

// Kind is the data type of a Node after tag resolution.
type Kind uint8

const (
	Null Kind = iota
	Bool
	Int
	Float
	String
	Map
	List
)

var kindNames = [...]string{"null", "bool", "int", "float", "string", "map", "list"}

func (k Kind) String() string { return kindNames[k] }

// Style is how a scalar was written, which decides how offsets inside its
// value map back to the source.
type Style uint8

const (
	Plain Style = iota
	SingleQuoted
	DoubleQuoted
	Literal // YAML "|"
	Folded  // YAML ">"
	CUEString
	Computed // no source text maps to the value (CUE interpolation, defaults)
)

// Node is one value of a document tree.
type Node struct {
	Kind  Kind
	Style Style
	// Value is the decoded text of a scalar: the string itself for String,
	// the literal as written for numbers and booleans.
	Value string
	// Keys and Elems hold a map's entries in source order (Keys[i] maps to
	// Elems[i]) or a list's elements (Keys is nil).
	Keys  []*Node
	Elems []*Node

	File       *File
	Start, End diag.Pos
}

// Range returns the span of source text n was read from.
func (n *Node) Range() diag.Range {
	if n == nil {
		return diag.Range{}
	}
	name := ""
	if n.File != nil {
		name = n.File.Name
	}
	return diag.Range{File: name, Start: n.Start, End: n.End}
}

// IsScalar reports whether n is neither a map nor a list.
func (n *Node) IsScalar() bool { return n != nil && n.Kind != Map && n.Kind != List }

// Get returns the value for key in a map, or nil.
func (n *Node) Get(key string) *Node {
	if n == nil || n.Kind != Map {
		return nil
	}
	for i, k := range n.Keys {
		if k.Value == key {
			return n.Elems[i]
		}
	}
	return nil
}

// Key returns the key node for key in a map, or nil.
func (n *Node) Key(key string) *Node {
	if n == nil || n.Kind != Map {
		return nil
	}
	for _, k := range n.Keys {
		if k.Value == key {
			return k
		}
	}
	return nil
}

// Path follows a chain of map keys.
func (n *Node) Path(keys ...string) *Node {
	for _, k := range keys {
		n = n.Get(k)
	}
	return n
}

// Str returns the value of a String scalar at key, or "".
func (n *Node) Str(key string) string {
	if v := n.Get(key); v != nil && v.IsScalar() && v.Kind != Null {
		return v.Value
	}
	return ""
}

// Entries iterates over a map's keys and values.
func (n *Node) Entries() iter.Seq2[*Node, *Node] {
	return func(yield func(*Node, *Node) bool) {
		if n == nil || n.Kind != Map {
			return
		}
		for i, k := range n.Keys {
			if !yield(k, n.Elems[i]) {
				return
			}
		}
	}
}

// Items returns a list's elements, or nil for anything else.
func (n *Node) Items() []*Node {
	if n == nil || n.Kind != List {
		return nil
	}
	return n.Elems
}

// Any converts n into the plain Go value that encoding/json would produce for
// the same document: map[string]any, []any, string, bool, json.Number, nil.
func (n *Node) Any() any {
	if n == nil {
		return nil
	}
	switch n.Kind {
	case Null:
		return nil
	case Bool:
		b, _ := strconv.ParseBool(n.Value)
		return b
	case Int, Float:
		if _, err := strconv.ParseFloat(n.Value, 64); err == nil {
			return json.Number(n.Value)
		}
		if i, err := strconv.ParseInt(n.Value, 0, 64); err == nil { // 0x1F, 0o17
			return json.Number(strconv.FormatInt(i, 10))
		}
		return n.Value
	case String:
		return n.Value
	case List:
		out := make([]any, len(n.Elems))
		for i, e := range n.Elems {
			out[i] = e.Any()
		}
		return out
	case Map:
		out := make(map[string]any, len(n.Keys))
		for i, k := range n.Keys {
			out[k.Value] = n.Elems[i].Any()
		}
		return out
	}
	return nil
}

// Decode converts n into v through JSON, the way the Kubernetes API server
// reads YAML, so that k8s.io/api types decode exactly as they would there.
func (n *Node) Decode(v any) error {
	b, err := json.Marshal(n.Any())
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// Walk calls fn for n and every node below it, depth first, with the path of
// keys and indexes that leads to it. It stops descending where fn returns false.
func Walk(n *Node, fn func(path []PathElem, n *Node) bool) {
	walk(n, nil, fn, 0)
}

// PathElem is one step of a path: a map key or a list index.
type PathElem struct {
	Key   string
	Index int // -1 for a map key
}

func (p PathElem) String() string {
	if p.Index >= 0 {
		return "[" + strconv.Itoa(p.Index) + "]"
	}
	return p.Key
}

// maxDepth bounds recursion on hostile input (deeply nested flow sequences).
const maxDepth = 512

func walk(n *Node, path []PathElem, fn func([]PathElem, *Node) bool, depth int) {
	if n == nil || depth > maxDepth || !fn(path, n) {
		return
	}
	switch n.Kind {
	case Map:
		for i, k := range n.Keys {
			walk(n.Elems[i], append(path, PathElem{Key: k.Value, Index: -1}), fn, depth+1)
		}
	case List:
		for i, e := range n.Elems {
			walk(e, append(path, PathElem{Index: i}), fn, depth+1)
		}
	}
}

// FormatPath renders a path the way Kubernetes field errors do:
// spec.steps[0].image.
func FormatPath(path []PathElem) string {
	var b []byte
	for i, p := range path {
		if p.Index >= 0 {
			b = append(b, '[')
			b = strconv.AppendInt(b, int64(p.Index), 10)
			b = append(b, ']')
			continue
		}
		if i > 0 {
			b = append(b, '.')
		}
		b = append(b, p.Key...)
	}
	return string(b)
}
