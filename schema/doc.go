// Package schema validates the structure of Tekton objects: which fields
// exist, their types, which are required, and which values an enumerated
// field takes.
//
// The CUE files below tekton/ are the single source of truth (package
// tekton embeds them; users import them as "pipec.dev/tekton/v1" and so
// on, see README.md). Evaluating CUE costs tens of milliseconds before the
// first document and about a millisecond per document, too much for pipec
// lint's budget, so go generate walks the compiled definitions with the
// CUE API and writes table_gen.go: every definition as plain Go data that
// Validate walks over the source.Node tree. A differential test runs the
// CUE evaluator over the same documents and requires the two to agree.
// docs/design.md ("Schemas and validation speed") has the measurements.
//
// What the table can express, and so what the CUE may use: closed
// definitions with optional (?) and required (!) fields, pattern fields
// ([string]: T), lists ([...T]), disjunctions of values of different kinds,
// string enums and regular expressions (=~), and matchN(>=1, [{a!: _},
// {b!: _}]) for "a or b must be set". The attribute
// @pipec(unless=path.to.field) on a field lifts the matchN requirements of
// its list elements when the sibling path is set (a stepTemplate image
// serves every step); the CUE states the same rule with a comprehension.
// schemagen fails on anything else rather than guess.
//
// # Diagnostic codes
//
//	PC0101  unknown field (Tekton decodes with DisallowUnknownFields); the
//	        subject is the key, with "did you mean" over the allowed fields
//	PC0102  wrong type: "expected string, got list"
//	PC0103  missing required field; the subject is the enclosing map
//	PC0104  value not in an enumeration: param type, onError, when operator,
//	        run status, PipelineResource type
//	PC0105  apiVersion and kind that tekton.dev does not serve, such as a
//	        tekton.dev/v1 ClusterTask
//	PC0106  an unquoted yes, no, on, off, y or n where a string is expected:
//	        a boolean to the API server, which reads YAML 1.1 (an error; a
//	        warning in param values, where Tekton turns it into "true")
//	PC0107  a field name in the wrong case ("runafter"): a warning, since
//	        Go's JSON decoding, and so Tekton, accepts it
//
// Null means absent, as it does to the API server's JSON decoding: a field
// set to null is not checked, and a required one set to null is missing,
// unless its type admits null (a param value).
//
// PipelineResources (spec.resources and the rest) are valid in v1beta1,
// where pipec reads them as legacy input and a lint rule reports them;
// tekton.dev/v1 never had them, so there they are unknown fields.
package schema

//go:generate go run ./internal/schemagen
