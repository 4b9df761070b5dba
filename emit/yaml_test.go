package emit

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"
	yaml3 "go.yaml.in/yaml/v3"
	"sigs.k8s.io/yaml"
)

// tricky are strings a YAML writer can get wrong: words and numbers YAML
// 1.1 or 1.2 reads as other types, indicators, comments, blanks, scripts.
var tricky = []string{
	"", " ", "a", "true", "True", "no", "N", "y", "off", "null", "Null", "~", "0", "-1", "+1", "1e3", ".5", "5.",
	"0x1F", "0o17", "0755", "1_000", ".inf", "-.Inf", ".NaN", "2006-01-02", "2006-1-2 10:00", "1:20", "0.38.0",
	"42audit", "-", "--name", "- x", "-x", "?", "? x", ":", "a:", "a: b", "a:b", "http://x/y", "a #b", "a#b", "#x",
	"&a", "*a", "!t", "|", ">", "'q'", `"q"`, "%x", "@x", "`x`", "{a: 1}", "[1]", "a,b", "a]", "<<", "<x>", "=",
	".", "./a", "$(params.x)", "$$(x)", "(x)", " lead", "trail ", "tab\there", "line\n", "two\nlines", "two\nlines\n",
	"three\n\n\n", "\nlead", "a\n b\n", "a \nb", "a\n  \nb", "#!/bin/sh\nset -e\necho \"$HOME\" 'x'\n",
	"\ttab\nx", "x\r\ny", "ünïcødé", "\u2028", "a\x00b", "bell\x07", "\xff", "日本語\nです\n", "a: 'b'", "'", "''",
}

func roundTrip(t *testing.T, v any) {
	t.Helper()
	out := writeYAML(v)
	want, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	// sigs.k8s.io/yaml is how kubectl reads it (YAML 1.1 rules).
	got, err := yaml.YAMLToJSON(out)
	if err != nil {
		t.Fatalf("sigs.k8s.io/yaml cannot read %q: %v", out, err)
	}
	if !bytes.Equal(normJSON(t, got), normJSON(t, want)) {
		t.Errorf("sigs.k8s.io/yaml reads\n%s\nas %s, want %s", out, got, want)
	}
	// yaml.v3 reads YAML 1.2.
	var v3 any
	if err := yaml3.Unmarshal(out, &v3); err != nil {
		t.Fatalf("yaml.v3 cannot read %q: %v", out, err)
	}
	got3, err := json.Marshal(v3)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(normJSON(t, got3), normJSON(t, want)) {
		t.Errorf("yaml.v3 reads\n%s\nas %s, want %s", out, got3, want)
	}
}

func normJSON(t *testing.T, b []byte) []byte {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	out, _ := json.Marshal(v)
	return out
}

func TestYAMLRoundTrip(t *testing.T) {
	for _, s := range tricky {
		if !strings.Contains(s, "\xff") { // JSON cannot carry a stray byte
			roundTrip(t, map[string]any{"v": s, s + "k": []any{s, map[string]any{"in": s, "n": int64(1)}}})
		}
	}
	roundTrip(t, map[string]any{"empty": map[string]any{}, "none": []any{}, "nested": []any{[]any{"a", "b"}, []any{}},
		"num": int64(-3), "f": 1.5, "b": true})
}

// TestYAMLRoundTripGolden reads back every golden output.
func TestYAMLRoundTripGolden(t *testing.T) {
	names, _ := filepath.Glob("testdata/*.txtar")
	for _, name := range names {
		ar, err := txtar.ParseFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range ar.Files {
			if !strings.HasPrefix(f.Name, "out/") {
				continue
			}
			var v any
			if err := yaml.Unmarshal(f.Data, &v); err != nil {
				t.Fatalf("%s %s: %v", name, f.Name, err)
			}
			if d := cmp.Diff(string(f.Data), string(writeYAML(v))); d != "" {
				t.Errorf("%s %s: written again differently (-file +again):\n%s", name, f.Name, d)
			}
		}
	}
}

// FuzzYAMLString checks that any string is read back as written, by both
// readers: go test ./emit -fuzz FuzzYAMLString.
func FuzzYAMLString(f *testing.F) {
	for _, s := range tricky {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			t.Skip() // JSON, and so the API server, cannot carry it
		}
		m := map[string]any{"v": s, "l": []any{s}}
		// YAML limits implicit keys to 1024 characters; Kubernetes keys
		// (field names, labels, annotations, env names) are far shorter.
		if len(s) <= 256 {
			m[s] = "k"
		}
		roundTrip(t, m)
	})
}
