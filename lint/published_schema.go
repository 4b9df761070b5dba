package lint

import "github.com/pipec-dev/pipec/schema"

// publishedSchema documents the codes of package schema.
func publishedSchema() []*Rule {
	return []*Rule{{
		ID: schema.CodeUnknownField, Name: "unknown-field", Title: "field the schema does not have", Category: Schema, Severity: errorSev,
		Doc: `Tekton decodes objects strictly: a field its types do not have makes the
object invalid. This is most often a typo, and the message suggests the
nearest field.`,
		Bad: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: hello
spec:
  steps:
    - name: hello
      image: alpine:3.20
      comand: [echo, hello]
`,
		Good: helloTask,
	}, {
		ID: schema.CodeType, Name: "wrong-type", Title: "value of the wrong type", Category: Schema, Severity: errorSev,
		Doc: `A field holds a value of another type than the schema says: a string where
a list is expected, a list where a string is. Tekton rejects the object.`,
		Bad: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: hello
spec:
  steps:
    - name: hello
      image: alpine:3.20
      command: echo hello
`,
		Good: helloTask,
	}, {
		ID: schema.CodeRequired, Name: "missing-field", Title: "required field missing", Category: Schema, Severity: errorSev,
		TektonLint: "no-invalid-param-type",
		Doc: `A field the schema requires is absent: a param passed without a value, a
step without image (unless the stepTemplate gives one or it refers to a
StepAction), a workspace binding without name.`,
		Bad: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: hello
spec:
  steps:
    - name: hello
      command: [echo, hello]
`,
		Good: helloTask,
	}, {
		ID: schema.CodeEnum, Name: "invalid-value", Title: "value not among the allowed ones", Category: Schema, Severity: errorSev,
		Doc: `Some fields accept a fixed set of values (onError: continue or
stopAndFail; a param's type: string, array or object) or a pattern. Another
value is rejected by Tekton.`,
		Bad: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: hello
spec:
  steps:
    - name: hello
      image: alpine:3.20
      onError: ignore
      command: [echo, hello]
`,
		Good: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: hello
spec:
  steps:
    - name: hello
      image: alpine:3.20
      onError: continue
      command: [echo, hello]
    - name: after
      image: alpine:3.20
      command: [cat, $(steps.step-hello.exitCode.path)]
`,
	}, {
		ID: schema.CodeKind, Name: "unknown-kind", Title: "apiVersion and kind that Tekton does not serve", Category: Schema, Severity: errorSev,
		Doc: `The apiVersion is not a version of tekton.dev that pipec knows, or the
version has no such kind (kinds are capitalised and singular).`,
		Bad: `apiVersion: tekton.dev/v1
kind: Tasks
metadata:
  name: hello
spec:
  steps:
    - name: hello
      image: alpine:3.20
      command: [echo, hello]
`,
		Good: helloTask,
	}, {
		ID: schema.CodeYAMLBool, Name: "yaml11-boolean", Title: "unquoted yes, no, on or off", Category: Schema, Severity: errorSev,
		Doc: `Kubernetes reads YAML 1.1, where an unquoted yes, no, on, off, y or n is a
boolean. In a string field the object is then rejected; in a param value
Tekton turns it into the string "true" or "false" (a warning). Quote it.`,
		Bad: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: hello
spec:
  params:
    - name: verbose
      default: yes
  steps:
    - name: hello
      image: alpine:3.20
      command: [echo, $(params.verbose)]
`,
		Good: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: hello
spec:
  params:
    - name: verbose
      default: "yes"
  steps:
    - name: hello
      image: alpine:3.20
      command: [echo, $(params.verbose)]
`,
	}, {
		ID: schema.CodeFieldCase, Name: "field-case", Title: "field name in the wrong case", Category: Schema, Severity: warningSev,
		Doc: `Go's JSON decoding matches field names without regard to case, so Tekton
accepts runafter for runAfter. Other tools do not, and the spelling hides
the field from readers; write the field as the schema does.`,
		Bad: `apiVersion: tekton.dev/v1
kind: Pipeline
metadata:
  name: ci
spec:
  tasks:
    - name: first
      taskRef:
        name: hello
    - name: second
      runafter: [first]
      taskRef:
        name: hello
---
` + helloTask,
		Good: `apiVersion: tekton.dev/v1
kind: Pipeline
metadata:
  name: ci
spec:
  tasks:
    - name: first
      taskRef:
        name: hello
    - name: second
      runAfter: [first]
      taskRef:
        name: hello
---
` + helloTask,
	}}
}
