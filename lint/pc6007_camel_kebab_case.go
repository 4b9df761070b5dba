package lint

var ruleCamelKebabCase = &Rule{
	ID:         "PC6007",
	Name:       "camel-kebab-case",
	Title:      "name that is neither kebab-case nor camelCase",
	Category:   Hygiene,
	Severity:   warningSev,
	Off:        true,
	TektonLint: "prefer-camel-kebab-case",
	Doc: `The variant of kebab-case (PC6006) that accepts camelCase names too, for
projects whose params mirror the camelCase fields of Kubernetes. Off by
default; turn on one of the two.`,
	Bad: `apiVersion: tekton.dev/v1
kind: Pipeline
metadata:
  name: build
spec:
  params:
    - name: Image_Tag
  tasks:
    - name: build
      params:
        - name: tag
          value: $(params.Image_Tag)
      taskSpec:
        params:
          - name: tag
        steps:
          - name: build
            image: alpine:3.20
            command: [echo, $(params.tag)]
`,
	Good: `apiVersion: tekton.dev/v1
kind: Pipeline
metadata:
  name: build
spec:
  params:
    - name: imageTag
  tasks:
    - name: build
      params:
        - name: tag
          value: $(params.imageTag)
      taskSpec:
        params:
          - name: tag
        steps:
          - name: build
            image: alpine:3.20
            command: [echo, $(params.tag)]
`,
	Run: func(p *Pass) { runNameStyle(p, isCamelKebab, "kebab-case or camelCase") },
}
