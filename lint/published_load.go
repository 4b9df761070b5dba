package lint

import (
	"github.com/pipec-dev/pipec/load"
)

// helloTask is a valid Task the examples build on.
const helloTask = `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: hello
spec:
  steps:
    - name: hello
      image: alpine:3.20
      command: [echo, hello]
`

// publishedLoad documents the codes of package load.
func publishedLoad() []*Rule {
	return []*Rule{{
		ID: load.CodeYAMLSyntax, Name: "yaml-syntax", Title: "YAML syntax error", Category: Syntax, Severity: errorSev,
		Doc: `The document is not valid YAML. It is reported at the line where the parser
stopped, and skipped; the other documents of the file are still read, since
documents are split at their --- markers before parsing.`,
		Bad: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: hello
spec:
  steps:
    - name: hello
      image: alpine:3.20
      command: [echo, hello
`,
		Good: helloTask,
	}, {
		ID: load.CodeDuplicateKey, Name: "duplicate-key", Title: "key written twice in one mapping", Category: Syntax, Severity: errorSev,
		Doc: `YAML forbids a key twice in one mapping. Kubernetes' decoder rejects the
object, while some tools silently keep the last value: either way one of the
two was not meant.`,
		Bad: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: hello
spec:
  steps:
    - name: hello
      image: alpine:3.19
      image: alpine:3.20
      command: [echo, hello]
`,
		Good: helloTask,
	}, {
		ID: load.CodeNotObject, Name: "not-an-object", Title: "document that is not a mapping", Category: Syntax, Severity: errorSev,
		Doc: `Every YAML document must be one object: a mapping with apiVersion, kind and
metadata. A list of objects is written as several documents separated by
---, or as a Kubernetes List.`,
		Bad: `- apiVersion: tekton.dev/v1
  kind: Task
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
		ID: load.CodeNoKind, Name: "no-kind", Title: "document without kind", Category: Syntax, Severity: infoSev,
		Doc: `pipec recognises objects by apiVersion and kind. A document without kind is
not an object pipec can check (it may be a values file); it is ignored, and
this note says so.`,
		Bad: `apiVersion: tekton.dev/v1
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
		ID: load.CodeAliasBomb, Name: "alias-expansion", Title: "aliases that expand beyond a million values", Category: Syntax, Severity: errorSev,
		Doc: `YAML aliases can make a few lines expand into billions of values (the
"billion laughs" attack). pipec stops expanding a document past a million
values and reports it, instead of exhausting memory.`,
		Bad: `a0: &a0 [x, x, x, x, x, x, x, x, x, x]
a1: &a1 [*a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0]
a2: &a2 [*a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1]
a3: &a3 [*a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2]
a4: &a4 [*a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3]
a5: &a5 [*a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4]
a6: &a6 [*a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5]
`,
		Good: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: hello
spec:
  stepTemplate: &template
    image: alpine:3.20
  steps:
    - name: hello
      <<: *template
      command: [echo, hello]
`,
	}, {
		ID: load.CodeCUE, Name: "cue-error", Title: "CUE error", Category: Syntax, Severity: errorSev, Lang: "cue",
		Doc: `A CUE file or package that does not compile or evaluate: a syntax error, a
conflict between two values, a reference to nothing, or a value that is not
concrete where an object must be. Every position CUE gives is kept.`,
		Bad: `package ci

task: {
	apiVersion: "tekton.dev/v1"
	kind:       "Task"
	metadata: name: "hello"
	metadata: name: "goodbye"
	spec: steps: [{name: "hello", image: "alpine:3.20", command: ["echo", "hello"]}]
}
`,
		Good: `package ci

task: {
	apiVersion: "tekton.dev/v1"
	kind:       "Task"
	metadata: name: "hello"
	spec: steps: [{name: "hello", image: "alpine:3.20", command: ["echo", "hello"]}]
}
`,
	}}
}

// publishedDirectives documents the codes of the suppression audit.
func publishedDirectives() []*Rule {
	return []*Rule{{
		ID: CodeBadSuppression, Name: "bad-suppression", Title: "malformed suppression", Category: Directive, Severity: warningSev,
		Doc: `A suppression names the rules it silences (IDs or names, separated by
commas) and says why: "# pipec:ignore PC4004 the image is built by this
pipeline". One without a reason, or naming a rule that does not exist,
suppresses nothing and is reported. The same holds for the file form
("# pipec:file-ignore") and the annotation form (pipec.dev/ignore:
"PC4004: reason").`,
		Bad: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: build
spec:
  steps:
    - name: build
      image: registry.local/builder # pipec:ignore PC4004
      command: [build]
`,
		Good: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: build
spec:
  steps:
    - name: build
      image: registry.local/builder # pipec:ignore PC4004 rebuilt and retagged by the nightly pipeline
      command: [build]
`,
	}, {
		ID: CodeUnusedSuppression, Name: "unused-suppression", Title: "suppression that matches nothing", Category: Directive, Severity: warningSev,
		Doc: `A suppression that silences no finding is stale: the problem was fixed, or
the comment is on the wrong line (it covers its own line, or, alone on a
line, the next line and the block that starts there). Suppressions of rules
that are turned off are not audited.`,
		Bad: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: build
spec:
  steps:
    - name: build
      # pipec:ignore PC4004 the builder is retagged nightly
      image: registry.local/builder:1.4
      command: [build]
`,
		Good: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: build
spec:
  steps:
    - name: build
      image: registry.local/builder:1.4
      command: [build]
`,
	}}
}
