package lint

// TektonLintRules are the 23 rules of tekton-lint 1.1.0 (npm
// @ibm/tekton-lint), the linter pipec's lint surface replaces. Every one is
// named as the TektonLint of at least one registered rule, and
// testdata/parity holds, for each, a case where both tools report the same
// problem at the same line (hack/tekton-lint-parity.sh compares them).
var TektonLintRules = []string{
	"no-duplicate-param",
	"no-invalid-name",
	"no-invalid-param-type",
	"no-pipeline-missing-task",
	"no-pipeline-task-cycle",
	"no-extra-param",
	"no-missing-param",
	"no-missing-workspace",
	"no-undefined-result",
	"no-undefined-param",
	"no-missing-resource",
	"no-duplicate-resource",
	"no-resourceversion",
	"no-duplicate-env",
	"no-undefined-volume",
	"no-latest-image",
	"prefer-beta",
	"prefer-kebab-case",
	"prefer-camel-kebab-case",
	"no-unused-param",
	"prefer-when-expression",
	"no-deprecated-resource",
	"no-missing-hashbang",
}

// TektonLintEquivalents returns the rules that find what the named
// tekton-lint rule finds.
func TektonLintEquivalents(name string) []*Rule {
	var out []*Rule
	for _, r := range Rules() {
		if r.TektonLint == name {
			out = append(out, r)
		}
	}
	return out
}
