package lint

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/pipec-dev/pipec/diag"
)

// configSchema compiles the published JSON Schema of .pipec.yaml.
func configSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	sch, err := c.Compile(filepath.Join("..", "docs", "config.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// yamlToJSONValue converts YAML text into the value a JSON Schema validates.
func yamlToJSONValue(t *testing.T, src []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(src, &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

// TestConfigSchema checks the JSON Schema against the parser: the valid
// examples pass both, the invalid ones fail both, and the examples of
// docs/config.md are valid.
func TestConfigSchema(t *testing.T) {
	sch := configSchema(t)
	check := func(name string, src []byte, valid bool) {
		schemaErr := sch.Validate(yamlToJSONValue(t, src))
		_, parseErr := ParseConfig(name, src)
		if valid && (schemaErr != nil || parseErr != nil) {
			t.Errorf("%s: should be valid; schema: %v; parser: %v", name, schemaErr, parseErr)
		}
		if !valid && (schemaErr == nil || parseErr == nil) {
			t.Errorf("%s: should be invalid; schema: %v; parser: %v", name, schemaErr, parseErr)
		}
	}
	for _, valid := range []bool{true, false} {
		dir := map[bool]string{true: "valid", false: "invalid"}[valid]
		files, _ := filepath.Glob(filepath.Join("testdata", "config", dir, "*.yaml"))
		if len(files) == 0 {
			t.Fatalf("no %s examples", dir)
		}
		for _, f := range files {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			check(f, src, valid)
		}
	}
	doc, err := os.ReadFile(filepath.Join("..", "docs", "config.md"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllSubmatch(doc, -1) {
		if regexp.MustCompile(`(?m)^version:`).Match(m[1]) {
			check("docs/config.md example", m[1], true)
			n++
		}
	}
	if n < 2 {
		t.Errorf("docs/config.md has %d configuration examples", n)
	}
}

func TestConfigErrors(t *testing.T) {
	for src, want := range map[string]string{
		"version: 1\nrules:\n  latest-imag: off\n": `3:3: "latest-imag" names no rule; did you mean "latest-image"?`,
		"version: 1\nfail-levle: info\n":           `2:1: unknown key "fail-levle"; did you mean "fail-level"?`,
		"version: 1\nrules:\n  PC4004: loud\n":     `3:11: the setting of "PC4004" must be on, off, error, warning or info`,
		"":                                         `empty configuration`,
	} {
		_, err := ParseConfig("c.yaml", []byte(src))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v; want %q", src, err, want)
		}
	}
}

// TestConfigResolution checks that the most specific selector wins whatever
// the order, and that off-by-default rules can be turned on.
func TestConfigResolution(t *testing.T) {
	c, err := ParseConfig("c.yaml", []byte(`version: 1
rules:
  latest-image: error
  PC4*: info
  security: off
  all: on
  PC40*: warning
`))
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{
		"PC4004": "error",   // single rule
		"PC4001": "warning", // PC40* beats PC4* and security
		"PC6006": "warning", // off by default, turned on by all
		"PC5001": "error",   // all: on keeps the default severity
		"PC2003": "warning",
	} {
		if got := c.Setting(Lookup(id)); got != want {
			t.Errorf("%s: %s, want %s", id, got, want)
		}
	}
	var dflt *Config
	if dflt.Enabled("PC6006") || !dflt.Enabled("PC4004") || !dflt.Enabled("PC9999") {
		t.Error("defaults: kebab-case must be off, latest-image on, unknown codes on")
	}
}

func TestConfigApply(t *testing.T) {
	dir := t.TempDir()
	c, err := ParseConfig(filepath.Join(dir, ConfigName), []byte("version: 1\nrules:\n  PC4004: error\n  PC6005: off\nexclude:\n  - gen/**\n  - '*.tmpl.yaml'\n"))
	if err != nil {
		t.Fatal(err)
	}
	in := []diag.Diagnostic{
		{Code: "PC4004", Severity: diag.Warning, Subject: diag.Range{File: filepath.Join(dir, "a.yaml")}},
		{Code: "PC6005", Severity: diag.Info, Subject: diag.Range{File: filepath.Join(dir, "a.yaml")}},
		{Code: "PC4004", Severity: diag.Warning, Subject: diag.Range{File: filepath.Join(dir, "gen", "x", "b.yaml")}},
		{Code: "PC4004", Severity: diag.Warning, Subject: diag.Range{File: filepath.Join(dir, "c.tmpl.yaml")}},
		{Code: "PC4004", Severity: diag.Warning, Subject: diag.Range{File: filepath.Join(dir, "sub", "c.tmpl.yaml")}},
	}
	out, excluded := c.apply(in)
	if len(out) != 2 || excluded != 2 || out[0].Severity != diag.Error || !strings.HasSuffix(out[1].Subject.File, filepath.Join("sub", "c.tmpl.yaml")) {
		t.Errorf("apply: %v, %d excluded", out, excluded)
	}
}

func TestFindConfig(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "a", "b")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ConfigName), []byte("version: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := FindConfig(sub)
	if err != nil || got != filepath.Join(dir, ConfigName) {
		t.Errorf("FindConfig = %q, %v", got, err)
	}
}

// TestForCompile checks pipec compile's configuration: lint rules only at
// error, the other codes as configured, errors kept whatever the settings
// and exclusions.
func TestForCompile(t *testing.T) {
	dir := t.TempDir()
	c, err := ParseConfig(filepath.Join(dir, ConfigName), []byte(`version: 1
rules:
  all: on
  security: error
  PC4005: warning
  PC1001: off
  PC2003: error
  PC9101: off
  PC9012: error
exclude: [gen/**]
`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		cfg  *Config
		want map[string]string
	}{
		{(*Config)(nil).ForCompile(), map[string]string{"PC4004": "off", "PC6001": "off", "PC1001": "error", "PC2003": "warning", "PC9001": "error", "PC9101": "warning"}},
		{c.ForCompile(), map[string]string{"PC4004": "error", "PC4005": "off", "PC6001": "off", "PC1001": "error", "PC2003": "error", "PC9101": "off", "PC9012": "error"}},
	} {
		for id, want := range tc.want {
			if got := tc.cfg.Setting(Lookup(id)); got != want {
				t.Errorf("%s: %s, want %s", id, got, want)
			}
		}
	}
	gen := filepath.Join(dir, "gen", "a.yaml")
	out := c.ForCompile().Apply([]diag.Diagnostic{
		{Code: "PC1001", Severity: diag.Error, Subject: diag.Range{File: gen}},
		{Code: "PC4004", Severity: diag.Warning, Subject: diag.Range{File: gen}},
		{Code: "PC9012", Severity: diag.Warning, Subject: diag.Range{File: filepath.Join(dir, "a.yaml")}},
		{Code: "PC9101", Severity: diag.Warning, Subject: diag.Range{File: filepath.Join(dir, "a.yaml")}},
	})
	if len(out) != 2 || out[0].Code != "PC1001" || out[1].Code != "PC9012" || out[1].Severity != diag.Error {
		t.Errorf("Apply: %v", out)
	}
}
