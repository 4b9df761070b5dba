package lint

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/pipec-dev/pipec/diag"
)

// ConfigName is the file name the configuration is discovered under.
const ConfigName = ".pipec.yaml"

// Config is a parsed .pipec.yaml: which rules run, at which severity, which
// files are not reported on, and from which severity a finding fails the
// run. The zero Config is the defaults.
//
//	version: 1
//	fail-level: warning
//	rules:
//	  all: on          # every rule, the ones off by default included
//	  PC6*: info       # an ID or name prefix
//	  security: error  # a category
//	  kebab-case: off  # one rule, by ID or name
//	exclude:
//	  - vendor/**
//
// A more specific selector wins over a less specific one, whatever their
// order: "all", then categories, then prefixes (shorter first), then single
// rules.
type Config struct {
	// Path is the file the configuration was read from, "" for defaults.
	Path string
	// Rules are the settings in the order written.
	Rules []Setting
	// Exclude are glob patterns, relative to the configuration's directory.
	// Findings in matching files are not reported; the files are still read,
	// so that references into them resolve.
	Exclude []string
	// FailLevel, when set, is the least severity that fails the run.
	FailLevel *diag.Severity

	resolved map[string]state // by rule ID
	// keepErrors keeps the errors of the codes that are not lint rules in
	// excluded files and under suppressions too (ForCompile).
	keepErrors bool
}

// Setting is one entry of the rules map.
type Setting struct {
	Selector string
	Value    string // on, off, error, warning or info
	rules    []*Rule
	rank     int
}

type state struct {
	on  bool
	sev *diag.Severity // nil: the finding's own severity
}

// settingValues are the values a rule setting may take.
var settingValues = []string{"on", "off", "error", "warning", "info"}

// ReadConfig reads and checks a configuration file. Its errors name the file,
// line and column.
func ReadConfig(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c, err := ParseConfig(path, b)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// FindConfig looks for .pipec.yaml in dir and its parents and returns its
// path, or "" when there is none.
func FindConfig(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, ConfigName)
		if info, err := os.Stat(p); err == nil && !info.IsDir() {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", nil
		}
		dir = parent
	}
}

// configError is a problem in a configuration file, at a line and column.
func configError(path string, n *yaml.Node, format string, args ...any) error {
	return fmt.Errorf("%s:%d:%d: %s", path, n.Line, n.Column, fmt.Sprintf(format, args...))
}

// ParseConfig parses the text of a configuration file; path is for messages
// and is the base of relative exclude patterns.
func ParseConfig(path string, src []byte) (*Config, error) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(src))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty configuration; it needs at least \"version: 1\"", path)
		}
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, configError(path, root, "the configuration must be a mapping")
	}
	c := &Config{Path: path}
	var version *yaml.Node
	for i := 0; i < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "version":
			version = v
			if v.Kind != yaml.ScalarNode || v.Value != "1" {
				return nil, configError(path, v, "unsupported version %q; this pipec reads version 1", v.Value)
			}
		case "fail-level":
			sev, err := diag.ParseSeverity(v.Value)
			if v.Kind != yaml.ScalarNode || err != nil {
				return nil, configError(path, v, "fail-level must be error, warning or info")
			}
			c.FailLevel = &sev
		case "rules":
			if v.Kind != yaml.MappingNode {
				return nil, configError(path, v, "rules must be a mapping of selectors to on, off, error, warning or info")
			}
			for j := 0; j < len(v.Content); j += 2 {
				sk, sv := v.Content[j], v.Content[j+1]
				if sv.Kind != yaml.ScalarNode || !slices.Contains(settingValues, sv.Value) {
					return nil, configError(path, sv, "the setting of %q must be on, off, error, warning or info", sk.Value)
				}
				rules, err := Select(sk.Value)
				if err != nil {
					return nil, configError(path, sk, "%v", err)
				}
				c.Rules = append(c.Rules, Setting{Selector: sk.Value, Value: sv.Value, rules: rules, rank: selectorRank(sk.Value)})
			}
		case "exclude":
			if v.Kind != yaml.SequenceNode {
				return nil, configError(path, v, "exclude must be a list of glob patterns")
			}
			for _, e := range v.Content {
				if e.Kind != yaml.ScalarNode || e.Value == "" {
					return nil, configError(path, e, "an exclude pattern must be a non-empty string")
				}
				if _, err := filepath.Match(strings.ReplaceAll(e.Value, "**", "*"), ""); err != nil {
					return nil, configError(path, e, "bad pattern %q: %v", e.Value, err)
				}
				c.Exclude = append(c.Exclude, e.Value)
			}
		default:
			msg := fmt.Sprintf("unknown key %q", k.Value)
			if s := diag.DidYouMean(k.Value, []string{"version", "fail-level", "rules", "exclude"}); s != "" {
				msg += "; " + s
			}
			return nil, configError(path, k, "%s", msg)
		}
	}
	if version == nil {
		return nil, configError(path, root, "missing \"version: 1\"")
	}
	c.resolve() // once, so that a Config is safe to share between runs
	return c, nil
}

// selectorRank orders selectors from least to most specific.
func selectorRank(sel string) int {
	switch prefix, ok := strings.CutSuffix(sel, "*"); {
	case sel == "all":
		return 0
	case isCategory(sel):
		return 1
	case ok:
		return 2 + len(prefix)
	}
	return 1 << 20
}

var defaultStates = sync.OnceValue(func() map[string]state {
	m := make(map[string]state, len(registry()))
	for _, r := range registry() {
		m[r.ID] = state{on: !r.Off}
	}
	return m
})

// resolve computes every rule's state from the defaults and the settings.
func (c *Config) resolve() map[string]state {
	if c == nil {
		return defaultStates()
	}
	if c.resolved != nil {
		return c.resolved
	}
	m := maps.Clone(defaultStates())
	{
		settings := slices.Clone(c.Rules)
		slices.SortStableFunc(settings, func(a, b Setting) int { return a.rank - b.rank })
		for _, s := range settings {
			for _, r := range s.rules {
				st := m[r.ID]
				switch s.Value {
				case "off":
					st.on = false
				case "on":
					st.on = true
				default:
					sev, _ := diag.ParseSeverity(s.Value)
					st = state{on: true, sev: &sev}
				}
				m[r.ID] = st
			}
		}
		c.resolved = m
	}
	return m
}

// Enabled reports whether the rule with the given ID runs and is reported.
// Codes that are not registered are always reported.
func (c *Config) Enabled(id string) bool {
	st, ok := c.resolve()[id]
	return !ok || st.on
}

// Setting returns how the rule with the given ID is configured: "off" or
// the severity its findings get.
func (c *Config) Setting(r *Rule) string {
	st := c.resolve()[r.ID]
	switch {
	case !st.on:
		return "off"
	case st.sev != nil:
		return st.sev.String()
	}
	return r.Severity.String()
}

// ForCompile returns the configuration pipec compile checks its input with
// and reports its own findings by. The lint rules run only where c raises
// them to error: compile needs to know what must stop it, and the rules'
// warnings are pipec lint's business, which would cost compile time on big
// pipelines for nothing it prints. The other codes keep c's settings, except
// that an error of the loader, the schema validator, the compiler or pipec
// compile stays an error, in every file: nothing can be compiled from input
// that has one, so it cannot be turned off, lowered, excluded or
// suppressed. A nil c gives the defaults without the lint rules.
func (c *Config) ForCompile() *Config {
	out := &Config{keepErrors: true, resolved: make(map[string]state, len(registry()))}
	if c != nil {
		out.Path, out.Exclude = c.Path, c.Exclude
	}
	user := c.resolve()
	for _, r := range registry() {
		st := user[r.ID]
		switch {
		case !r.Published():
			st.on = st.on && st.sev != nil && *st.sev == diag.Error
		case r.Severity == diag.Error:
			st = state{on: true}
		}
		out.resolved[r.ID] = st
	}
	return out
}

// Apply drops the findings of rules that are off and those in excluded
// files, and sets configured severities, as Run does with its own; pipec
// compile gives it emit's. It reuses ds's array.
func (c *Config) Apply(ds []diag.Diagnostic) []diag.Diagnostic {
	out, _ := c.apply(ds)
	return out
}

// apply drops the findings of disabled rules and in excluded files, and sets
// configured severities. It reports how many findings were excluded by
// path.
func (c *Config) apply(ds []diag.Diagnostic) ([]diag.Diagnostic, int) {
	st := c.resolve()
	out := ds[:0]
	excluded := 0
	for _, d := range ds {
		s, ok := st[d.Code]
		if ok && !s.on {
			continue
		}
		if c.excluded(d.Subject.File) && !c.keeps(d) {
			excluded++
			continue
		}
		if ok && s.sev != nil {
			d.Severity = *s.sev
		}
		out = append(out, d)
	}
	return out, excluded
}

// keeps reports whether d is reported whatever exclusions and suppressions
// say: under ForCompile, an error of a code that is not a lint rule.
func (c *Config) keeps(d diag.Diagnostic) bool {
	return c != nil && c.keepErrors && d.Severity == diag.Error && !isLintRule(d.Code)
}

// isLintRule reports whether id is one of this package's rules rather than
// a code published by the loader, the schema, the compiler or emit.
func isLintRule(id string) bool {
	r := byKey()[id]
	return r != nil && !r.Published()
}

// excluded reports whether findings in the named file are not reported.
func (c *Config) excluded(file string) bool {
	if c == nil || len(c.Exclude) == 0 || file == "" || file == "-" {
		return false
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return false
	}
	rel, err := filepath.Rel(filepath.Dir(c.Path), abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		rel = file
	}
	rel = filepath.ToSlash(rel)
	for _, pat := range c.Exclude {
		if matchPath(strings.TrimSuffix(pat, "/"), rel) {
			return true
		}
	}
	return false
}

// matchPath matches a slash-separated path against a glob in which "**"
// matches any number of directories. A pattern that matches a leading
// directory of the path matches the path.
func matchPath(pat, path string) bool {
	ps, xs := strings.Split(pat, "/"), strings.Split(path, "/")
	for n := 1; n <= len(xs); n++ {
		if matchSegs(ps, xs[:n]) {
			return true
		}
	}
	return false
}

func matchSegs(ps, xs []string) bool {
	if len(ps) == 0 {
		return len(xs) == 0
	}
	if ps[0] == "**" {
		for i := 0; i <= len(xs); i++ {
			if matchSegs(ps[1:], xs[i:]) {
				return true
			}
		}
		return false
	}
	if len(xs) == 0 {
		return false
	}
	if ok, _ := filepath.Match(ps[0], xs[0]); !ok {
		return false
	}
	return matchSegs(ps[1:], xs[1:])
}
