package lint

import "strings"

var ruleShebang = &Rule{
	ID:         "PC6005",
	Name:       "missing-shebang",
	Title:      "script without a shebang",
	Category:   Hygiene,
	Severity:   infoSev,
	TektonLint: "no-missing-hashbang",
	Doc: `A script without a #! line is run by /bin/sh with set -e, whatever shell
the author had in mind: bash syntax ([[ ]], arrays, pipefail) then fails at
run time, in some images and not others. Say which interpreter runs the
script: #!/bin/sh, #!/usr/bin/env bash, #!/usr/bin/env python3.`,
	Bad: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: hello
spec:
  steps:
    - name: hello
      image: alpine:3.20
      script: |
        echo hello
`,
	Good: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: hello
spec:
  steps:
    - name: hello
      image: alpine:3.20
      script: |
        #!/bin/sh
        echo hello
`,
	Run: runShebang,
}

func runShebang(p *Pass) {
	for _, c := range p.Containers() {
		if c.Step == nil || !c.Step.Script.IsSet() || containsRef(firstLine(c.Step.Script.Value)) {
			continue
		}
		if !strings.HasPrefix(c.Step.Script.Value, "#!") {
			p.Reportf(c.Step.Script.Range(), "the script of %s has no shebang", c.What()).
				Explain("Without one, Tekton runs it with /bin/sh. Start it with #!/bin/sh, #!/usr/bin/env bash or the interpreter it needs.")
		}
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
