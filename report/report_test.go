package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/source"
)

// sample are diagnostics with every feature the formats carry: related
// positions, a detail, a suggestion, characters outside ASCII, each
// severity, a code no rule documents, and one without a position.
func sample() ([]diag.Diagnostic, Sources) {
	f := source.NewFile("dir/task.yaml", []byte("name: 名前\nimage: alpine\nscript: echo $(params.imag-tag)\n"))
	pos := func(line, col int) diag.Pos { return diag.Pos{Line: line, Column: col, Byte: f.Offset(line, col)} }
	ds := []diag.Diagnostic{
		{Severity: diag.Warning, Code: "PC4004", Message: "image alpine has no tag, so it means :latest",
			Detail: "Name a version: alpine:1.2.3, 100% better.", Subject: diag.Range{File: f.Name, Start: pos(2, 8), End: pos(2, 14)}},
		{Severity: diag.Error, Code: "PC1001", Message: `param "imag-tag" is not declared`, Suggestion: "image-tag",
			Subject: diag.Range{File: f.Name, Start: pos(3, 24), End: pos(3, 32)},
			Related: []diag.Related{{Range: diag.Range{File: f.Name, Start: pos(1, 7), End: pos(1, 9)}, Message: "params declared here"}}},
		{Severity: diag.Info, Code: "PC9999", Message: "a note, with a comma: and a colon\non two lines", Subject: diag.Range{File: "/abs/path with space.yaml", Start: pos(1, 1), End: pos(1, 1)}},
		{Severity: diag.Error, Code: "PC0006", Message: "no position", Subject: diag.Range{File: "-"}},
	}
	return ds, NewSources([]*source.File{f})
}

var sampleTool = Tool{Name: "pipec", Version: "v0.0.0-test", InformationURI: "https://github.com/pipec-dev/pipec", Rules: []Rule{
	{ID: "PC1001", Name: "undeclared-param", Title: "reference to an undeclared param", Doc: "A reference names a param that is not declared.", HelpURI: "https://example.com/rules.md#pc1001", Help: "**doc**", Category: "reference"},
	{ID: "PC4004", Name: "latest-image", Title: "image without a tag", Doc: "Images change.", HelpURI: "https://example.com/rules.md#pc4004", Severity: diag.Warning, Category: "security"},
	{ID: "PC6006", Name: "kebab-case", Title: "name not kebab-case", Doc: "Style.", HelpURI: "https://example.com/rules.md#pc6006", Severity: diag.Warning, Off: true},
}}

// TestSARIFSchema validates the SARIF output against the official SARIF
// 2.1.0 schema, vendored in testdata.
func TestSARIFSchema(t *testing.T) {
	c := jsonschema.NewCompiler()
	sch, err := c.Compile("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	for name, ds := range map[string][]diag.Diagnostic{"sample": first(sample()), "empty": nil} {
		var out bytes.Buffer
		f, _ := NewWith("sarif", Options{Tool: sampleTool})
		if err := f.Format(&out, ds, nil); err != nil {
			t.Fatal(err)
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(inst); err != nil {
			t.Errorf("%s: SARIF output does not validate: %v\n%s", name, err, out.String())
		}
	}
}

func first(ds []diag.Diagnostic, _ Sources) []diag.Diagnostic { return ds }

// TestSARIFContent checks what code scanning reads: rule indexes, levels,
// regions in code points, URIs, related locations and fixes.
func TestSARIFContent(t *testing.T) {
	ds, _ := sample()
	var out bytes.Buffer
	if err := (&SARIF{Tool: sampleTool}).Format(&out, ds, nil); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID, HelpURI          string
						DefaultConfiguration struct {
							Enabled bool
							Level   string
						}
					}
				}
			}
			ColumnKind string
			Results    []struct {
				RuleID    string
				RuleIndex *int
				Level     string
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine, StartColumn, EndLine, EndColumn int }
					}
				}
				RelatedLocations []any
				Fixes            []any
			}
		}
	}
	if err := json.Unmarshal(out.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if len(run.Tool.Driver.Rules) != 3 || run.Tool.Driver.Rules[2].DefaultConfiguration.Enabled || run.Tool.Driver.Rules[0].HelpURI == "" || run.ColumnKind != "unicodeCodePoints" {
		t.Errorf("rules: %+v", run.Tool.Driver.Rules)
	}
	r := run.Results
	if len(r) != 4 || r[0].RuleID != "PC4004" || *r[0].RuleIndex != 1 || r[0].Level != "warning" || r[2].Level != "note" || r[2].RuleIndex != nil {
		t.Fatalf("results: %s", out.String())
	}
	reg := r[1].Locations[0].PhysicalLocation.Region
	if reg.StartLine != 3 || reg.StartColumn != 24 || reg.EndColumn != 32 || len(r[1].RelatedLocations) != 1 || len(r[1].Fixes) != 1 {
		t.Errorf("PC1001 result: %+v", r[1])
	}
	if uri := r[2].Locations[0].PhysicalLocation.ArtifactLocation.URI; uri != "file:///abs/path%20with%20space.yaml" {
		t.Errorf("absolute URI = %q", uri)
	}
	if uri := r[0].Locations[0].PhysicalLocation.ArtifactLocation.URI; uri != "dir/task.yaml" {
		t.Errorf("relative URI = %q", uri)
	}
}

// TestGitHub checks the workflow-command syntax and its escaping.
func TestGitHub(t *testing.T) {
	ds, _ := sample()
	var out bytes.Buffer
	if err := (GitHub{}).Format(&out, ds, nil); err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		"::warning file=dir/task.yaml,line=2,endLine=2,col=8,endColumn=14,title=PC4004::image alpine has no tag, so it means :latest%0AName a version: alpine:1.2.3, 100%25 better.",
		`::error file=dir/task.yaml,line=3,endLine=3,col=24,endColumn=32,title=PC1001::param "imag-tag" is not declared`,
		"::notice file=/abs/path with space.yaml,line=1,endLine=1,col=1,endColumn=1,title=PC9999::a note, with a comma: and a colon%0Aon two lines",
		"::error file=-,title=PC0006::no position",
	}, "\n") + "\n"
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}
	if got := escapeProperty("a:b,c%d\ne"); got != "a%3Ab%2Cc%25d%0Ae" {
		t.Errorf("escapeProperty = %q", got)
	}
}

// TestTextSummaryAndColor checks the summary line and that colour appears
// only when asked for.
func TestTextSummaryAndColor(t *testing.T) {
	ds, src := sample()
	var plain, color bytes.Buffer
	f, _ := NewWith("text", Options{Suppressed: 2})
	if err := f.Format(&plain, ds, src); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "\x1b[") {
		t.Error("colour without Color")
	}
	lines := strings.Split(strings.TrimSpace(plain.String()), "\n")
	if last := lines[len(lines)-1]; last != "4 problems (2 errors, 1 warning, 1 info), 2 suppressed" {
		t.Errorf("summary = %q", last)
	}
	if !strings.HasPrefix(plain.String(), "dir/task.yaml:2:8: warning: image alpine has no tag, so it means :latest [PC4004]\n 2 | image: alpine\n   |        ^~~~~~\n") {
		t.Errorf("text:\n%s", plain.String())
	}
	f, _ = NewWith("text", Options{Color: true})
	if err := f.Format(&color, ds, src); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(color.String(), "\x1b[1;33mwarning\x1b[0m") {
		t.Errorf("no colour with Color:\n%q", color.String())
	}
	var none bytes.Buffer
	f, _ = NewWith("text", Options{})
	if err := f.Format(&none, nil, nil); err != nil || none.Len() != 0 {
		t.Errorf("clean run printed %q", none.String())
	}
}

// TestJSONFormat pins the foundation's JSON format.
func TestJSONFormat(t *testing.T) {
	ds, _ := sample()
	var out bytes.Buffer
	if err := (JSON{}).Format(&out, ds[1:2], nil); err != nil {
		t.Fatal(err)
	}
	want := `{
  "diagnostics": [
    {
      "file": "dir/task.yaml",
      "line": 3,
      "column": 24,
      "endLine": 3,
      "endColumn": 32,
      "severity": "error",
      "code": "PC1001",
      "message": "param \"imag-tag\" is not declared",
      "suggestion": "image-tag",
      "related": [
        {
          "file": "dir/task.yaml",
          "line": 1,
          "column": 7,
          "message": "params declared here"
        }
      ]
    }
  ]
}
`
	if out.String() != want {
		t.Errorf("got:\n%s", out.String())
	}
}
