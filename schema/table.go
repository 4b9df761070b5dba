package schema

import "slices"

// The validator's table: the CUE schemas, compiled at go generate time into
// plain data (table_gen.go) so that validating a document costs no CUE
// evaluation and no start-up work. Types and structs refer to each other by
// index, which lets recursive definitions (a PipelineTask's pipelineSpec)
// be expressed as static data.

// kindSet is a set of value kinds, one bit per source.Kind.
type kindSet uint8

const (
	kNull kindSet = 1 << iota
	kBool
	kInt
	kFloat
	kString
	kMap
	kList

	kNumber = kInt | kFloat
	kAny    = kNull | kBool | kNumber | kString | kMap | kList
)

// typeDef is what a value may be: any of Kinds, with constraints per kind.
type typeDef struct {
	Kinds kindSet
	// A string must be one of Enum or match one of Patterns (indexes into
	// patterns), unless AnyString is set; with neither, no string passes.
	AnyString bool
	Enum      []string
	Patterns  []int16
	Elem      int32 // type of list elements, -1 for any
	Struct    int32 // struct of a map, -1 for any map
	// OneOf lists groups of fields of which a map must set at least one.
	OneOf [][]string
}

// structDef is a closed definition's fields.
type structDef struct {
	Name   string     // the CUE definition, for messages: "Step"
	Fields []fieldDef // sorted by Name
	Rest   int32      // type of fields not listed, -1 when the struct is closed
}

// fieldDef is one field of a struct.
type fieldDef struct {
	Name     string
	Type     int32
	Required bool
	// Unless is a path of fields, relative to the struct, whose presence
	// lifts the OneOf requirements of this field's list elements (a
	// stepTemplate image serves every step).
	Unless []string
}

func sortStrings(s []string) { slices.Sort(s) }
