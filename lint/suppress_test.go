package lint

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/internal/checktest"
	"github.com/pipec-dev/pipec/load"
	"github.com/pipec-dev/pipec/source"
)

// onlyRules is a configuration that runs the given lint rules.
func onlyRules(t testing.TB, ids ...string) *Config {
	src := "version: 1\nrules:\n  PC3*: off\n  PC4*: off\n  PC5*: off\n  PC6*: off\n"
	for _, id := range ids {
		src += "  " + id + ": on\n"
	}
	c, err := ParseConfig("test.pipec.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestSuppressions lints testdata/suppress: every finding a directive
// covers is gone, and malformed or unused directives are reported.
func TestSuppressions(t *testing.T) {
	files, _ := filepath.Glob("testdata/suppress/*.yaml")
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			set, err := load.Paths([]string{file}, nil)
			if err != nil {
				t.Fatal(err)
			}
			res := Run(set, Options{Config: onlyRules(t, "PC4002", "PC4004", "PC6005", "PC5003")})
			checktest.Compare(t, set.Files, res.Diags, diag.Info)
			if res.Suppressed == 0 {
				t.Error("nothing was suppressed")
			}
		})
	}
}

// TestSuppressionOfDisabledRule checks that a directive for a rule that is
// turned off is not reported as unused: it may matter to another config.
func TestSuppressionOfDisabledRule(t *testing.T) {
	set, err := load.Paths([]string{"testdata/suppress/comments.yaml"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	res := Run(set, Options{Config: onlyRules(t, "PC6005")})
	for _, d := range res.Diags {
		if d.Code == CodeUnusedSuppression {
			t.Errorf("unused suppression reported for a rule that did not run: %s", d)
		}
	}
}

func TestDirectiveParsing(t *testing.T) {
	for _, tc := range []struct {
		line    string
		ids     string
		reason  string
		bad     bool
		matched bool
	}{
		{"x: 1 # pipec:ignore PC4004 because", "PC4004", "because", false, true},
		{"x: 1 # pipec:ignore PC4004 -- because of x", "PC4004", "because of x", false, true},
		{"x: 1 #pipec:ignore PC4004,PC4002 why", "PC4004,PC4002", "why", false, true},
		{"x: 1 // pipec:ignore latest-image why", "PC4004", "why", false, true},
		{"x: 1 # pipec:ignore PC4004", "PC4004", "", true, true},
		{"x: 1 # pipec:ignore", "", "", true, true},
		{"url: http://pipec:8080/x", "", "", false, false},
		{"x: a#pipec:ignore PC4004 no", "", "", false, false},
	} {
		src := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n" + tc.line + "\n"
		set := &load.Set{Files: []*sourceFile{newFile("f.yaml", src)}}
		s := collectDirectives(set)
		if !tc.matched {
			if len(s.dirs) != 0 || len(s.diags) != 0 {
				t.Errorf("%q: read as a directive", tc.line)
			}
			continue
		}
		if len(s.dirs) != 1 {
			t.Errorf("%q: %d directives", tc.line, len(s.dirs))
			continue
		}
		d := s.dirs[0]
		if strings.Join(d.ids, ",") != tc.ids || d.reason != tc.reason || d.bad != tc.bad {
			t.Errorf("%q: ids %v reason %q bad %v; want %s %q %v", tc.line, d.ids, d.reason, d.bad, tc.ids, tc.reason, tc.bad)
		}
	}
}

type sourceFile = source.File

func newFile(name, src string) *source.File { return source.NewFile(name, []byte(src)) }
