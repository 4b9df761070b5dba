package lint

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/pipec-dev/pipec/diag"
)

// lintRules are the rules of this package, one per file. An ID is never
// reused: a retired rule keeps its entry with a Doc that says so.
var lintRules = []*Rule{
	// Deprecations: PC3xxx.
	ruleAPIVersion,
	ruleRenamedInV1,
	rulePipelineResources,
	ruleInputsParams,
	ruleClusterTask,
	ruleConditions,
	ruleArrayWithoutStar,
	ruleDeprecatedLabel,

	// Security: PC4xxx.
	ruleScriptInjection,
	rulePrivileged,
	ruleHostPath,
	ruleLatestImage,
	ruleImageDigest,
	ruleLiteralSecret,
	ruleRunAsRoot,
	ruleCapabilities,
	ruleHostNetwork,

	// Run-time correctness: PC5xxx.
	ruleInvalidName,
	ruleResourceVersion,
	ruleDuplicateEnv,
	ruleUndefinedVolume,
	ruleSharedEmptyDir,
	ruleRWOParallel,
	ruleResultNeverWritten,
	ruleResultUndeclared,
	ruleOnErrorUnchecked,
	ruleNameTooLong,
	ruleEnumDefault,
	ruleTimeoutTooShort,
	ruleDuplicateName,
	ruleMountPathConflict,
	ruleNumericParam,

	// Hygiene and style: PC6xxx.
	ruleUnusedParam,
	ruleUnusedWorkspace,
	ruleUnusedStepResult,
	ruleParamDescription,
	ruleShebang,
	ruleKebabCase,
	ruleCamelKebabCase,
	ruleRedundantRunAfter,
}

var registry = sync.OnceValue(func() []*Rule {
	all := slices.Concat(publishedLoad(), publishedSchema(), publishedCompiler(), publishedDirectives(), publishedCompile(), lintRules)
	slices.SortFunc(all, func(a, b *Rule) int { return cmp.Compare(a.ID, b.ID) })
	return all
})

var byKey = sync.OnceValue(func() map[string]*Rule {
	m := map[string]*Rule{}
	for _, r := range registry() {
		m[r.ID] = r
		m[r.Name] = r
	}
	return m
})

// Rules returns every registered rule and published code, sorted by ID.
// The slice and the rules are shared: do not modify them.
func Rules() []*Rule { return registry() }

// Lookup returns the rule with the given ID or name (IDs ignore case), or
// nil.
func Lookup(key string) *Rule {
	if r := byKey()[key]; r != nil {
		return r
	}
	return byKey()[strings.ToUpper(key)]
}

// Select returns the rules a selector names: "all"; a category
// ("security"); an ID or name prefix ending in "*" ("PC4*", "unused-*"); or
// one rule by ID or name.
func Select(sel string) ([]*Rule, error) {
	var out []*Rule
	switch prefix, ok := strings.CutSuffix(sel, "*"); {
	case sel == "all":
		out = registry()
	case ok:
		if prefix == "" {
			return nil, fmt.Errorf("selector %q is empty before the \"*\"; write \"all\"", sel)
		}
		for _, r := range registry() {
			if strings.HasPrefix(r.ID, strings.ToUpper(prefix)) || strings.HasPrefix(r.Name, prefix) {
				out = append(out, r)
			}
		}
	case isCategory(sel):
		for _, r := range registry() {
			if string(r.Category) == sel {
				out = append(out, r)
			}
		}
	default:
		if r := Lookup(sel); r != nil {
			out = []*Rule{r}
		}
	}
	if len(out) == 0 {
		msg := fmt.Sprintf("%q names no rule", sel)
		if s := diag.DidYouMean(sel, selectorCandidates()); s != "" {
			msg += "; " + s
		}
		return nil, fmt.Errorf("%s", msg)
	}
	return out, nil
}

// Categories lists the categories in the order the documentation uses.
var Categories = []Category{Deprecation, Security, Correctness, Hygiene, Syntax, Schema, Reference, CrossObject, Graph, Directive, Compile}

func isCategory(s string) bool { return slices.Contains(Categories, Category(s)) }

func selectorCandidates() []string {
	out := []string{"all"}
	for _, c := range Categories {
		out = append(out, string(c))
	}
	for _, r := range registry() {
		out = append(out, r.ID, r.Name)
	}
	return out
}
