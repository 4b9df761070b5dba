package load

import (
	"strings"
	"testing"

	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/source"
)

// TestScalarPositions checks that an offset inside every scalar style maps to
// the line and column where the character was typed. The marker "$(p)" is
// found in the decoded value and its position compared with where it sits in
// the source text.
func TestScalarPositions(t *testing.T) {
	src := `a: plain $(p) text
b: 'single ''q'' $(p)'
c: "double \t \"x\" \u00e9 $(p)"
d: |
  line one
    indented
  x $(p) y
e: >-
  folded
  text $(p)

  para
f: plain
  continued $(p)
g: "multi
  line \
  $(p)"
h: &anchor "é $(p)"
i: *anchor
`
	f := source.NewFile("t.yaml", []byte(src))
	docs, ds := YAML(f)
	if len(ds) != 1 || ds[0].Code != CodeNoKind {
		t.Fatalf("diagnostics: %v", ds)
	}
	root := docs[0].Root
	want := map[string]diag.Pos{
		"a": {Line: 1, Column: 10}, "b": {Line: 2, Column: 18}, "c": {Line: 3, Column: 28},
		"d": {Line: 7, Column: 5}, "e": {Line: 10, Column: 8}, "f": {Line: 14, Column: 13},
		"g": {Line: 17, Column: 3}, "h": {Line: 18, Column: 15}, "i": {Line: 18, Column: 15},
	}
	for key, w := range want {
		n := root.Get(key)
		i := strings.Index(n.Value, "$(p)")
		if i < 0 {
			t.Fatalf("%s: no marker in %q", key, n.Value)
		}
		r := n.RangeAt(i, i+4)
		if r.Start.Line != w.Line || r.Start.Column != w.Column {
			t.Errorf("%s: marker at %d:%d, want %d:%d", key, r.Start.Line, r.Start.Column, w.Line, w.Column)
		}
		if got := f.Src[r.Start.Byte:r.End.Byte]; string(got) != "$(p)" {
			t.Errorf("%s: range covers %q", key, got)
		}
	}
}

func TestMultiDocumentErrors(t *testing.T) {
	src := `apiVersion: v1
kind: A
metadata: {name: one}
---
kind: [unclosed
---
# only a comment
---
apiVersion: v1
kind: B
metadata:
  name: two
  name: again
---
- not
- an object
---
metadata: {name: nokind}
`
	docs, ds := YAML(source.NewFile("m.yaml", []byte(src)))
	var names []string
	for _, d := range docs {
		names = append(names, d.Kind+"/"+d.Name)
	}
	if got := strings.Join(names, ","); got != "A/one,B/two,/nokind" {
		t.Errorf("docs = %s", got)
	}
	var got []string
	for _, d := range diag.Sort(ds) {
		got = append(got, d.String())
	}
	wantDiags := []string{
		"m.yaml:5:1: error: YAML syntax error: did not find expected ',' or ']' [PC0001]",
		"m.yaml:13:3: error: duplicate key \"name\" [PC0002]",
		"m.yaml:15:1: error: document is a list, not an object [PC0003]",
		"m.yaml:18:1: info: document has no kind; it is ignored [PC0004]",
	}
	if strings.Join(got, "\n") != strings.Join(wantDiags, "\n") {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantDiags, "\n"))
	}
}

func TestMergeKeysAndList(t *testing.T) {
	src := `base: &b {image: alpine, name: base}
step:
  <<: *b
  name: mine
---
apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: ConfigMap, metadata: {name: x}}
- {apiVersion: v1, kind: Secret, metadata: {name: y}}
`
	docs, ds := YAML(source.NewFile("m.yaml", []byte(src)))
	if len(ds) != 1 { // the first document has no kind
		t.Fatalf("diagnostics: %v", ds)
	}
	step := docs[0].Root.Get("step")
	if step.Str("image") != "alpine" || step.Str("name") != "mine" {
		t.Errorf("merge: image=%q name=%q", step.Str("image"), step.Str("name"))
	}
	if len(docs) != 3 || docs[2].Kind != "Secret" {
		t.Errorf("List items not expanded: %d docs", len(docs))
	}
}

func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 9; i++ {
		b.WriteString("a" + string(rune('0'+i)) + ": &a" + string(rune('0'+i)) + " [")
		for j := range 10 {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*a" + string(rune('0'+i-1)))
		}
		b.WriteString("]\n")
	}
	_, ds := YAML(source.NewFile("bomb.yaml", []byte(b.String())))
	found := false
	for _, d := range ds {
		found = found || d.Code == CodeAliasBomb
	}
	if !found {
		t.Errorf("no alias-bomb diagnostic: %v", ds)
	}
}
