package lint

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pipec-dev/pipec/compiler"
	"github.com/pipec-dev/pipec/load"
	"github.com/pipec-dev/pipec/report"
)

// TestSeeds lints each group of the seed tutorials' examples (the objects a
// tutorial step applies together, in testdata/seeds/GROUP) with the
// catalog's git-clone Task on the include path, and compares the text
// report with testdata/seeds/GROUP/lint.golden. PIPEC_UPDATE=1 rewrites the
// golden files; review the diff. The seeds' real mistakes are errors there,
// at their lines; nothing else may be an error.
func TestSeeds(t *testing.T) {
	root := filepath.Join("..", "testdata")
	lib, err := compiler.LoadLibrary([]string{filepath.Join(root, "catalog")})
	if err != nil {
		t.Fatal(err)
	}
	groups, _ := filepath.Glob(filepath.Join(root, "seeds", "*"))
	if len(groups) == 0 {
		t.Fatal("no seed groups")
	}
	for _, dir := range groups {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			set, err := load.Paths([]string{dir}, nil)
			if err != nil {
				t.Fatal(err)
			}
			res := Run(set, Options{Library: lib})
			var out bytes.Buffer
			if err := (&report.Text{}).Format(&out, res.Diags, report.NewSources(set.Files)); err != nil {
				t.Fatal(err)
			}
			// Paths in the report are relative to the seeds directory, so
			// that the golden files do not depend on where tests run.
			got := strings.ReplaceAll(out.String(), filepath.Join(root, "seeds")+string(filepath.Separator), "")
			got = strings.ReplaceAll(got, root+string(filepath.Separator), "testdata/")
			golden := filepath.Join(dir, "lint.golden")
			if os.Getenv("PIPEC_UPDATE") != "" {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (PIPEC_UPDATE=1 go test ./lint -run TestSeeds writes it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("%s differs (-want +got):\n%s", golden, diff)
			}
		})
	}
}

// TestSeedsComplete checks that every YAML example of the seed documents
// (in ../shared/seeds, beside the checkout) is in testdata/seeds verbatim,
// so that none escapes the golden tests.
func TestSeedsComplete(t *testing.T) {
	seeds, _ := filepath.Glob(filepath.Join("..", "..", "shared", "seeds", "*.txt"))
	if len(seeds) == 0 {
		t.Skip("the seed documents are not beside the checkout (../shared/seeds)")
	}
	var all strings.Builder
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "seeds", "*", "*.yaml"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(b)
	}
	fenced := regexp.MustCompile("(?s)```yaml\n(.*?)```")
	n := 0
	for _, seed := range seeds {
		b, err := os.ReadFile(seed)
		if err != nil {
			t.Fatal(err)
		}
		var blocks []string
		for _, m := range fenced.FindAllStringSubmatch(string(b), -1) {
			blocks = append(blocks, m[1])
		}
		// Indented code blocks, outside fenced ones (whose content may be
		// indented too).
		blocks = append(blocks, indentedYAML(fenced.ReplaceAllString(string(b), ""))...)
		for _, block := range blocks {
			n++
			// Compare line by line: the example's text must appear as a
			// whole, apart from tkn's interactive prompts before it.
			body := block
			if loc := topAPIVersion.FindStringIndex(block); loc != nil {
				body = block[loc[0]:]
			}
			if !strings.Contains(all.String(), strings.TrimSpace(body)) {
				t.Errorf("%s: an example is not in testdata/seeds:\n%s", filepath.Base(seed), firstLines(body, 6))
			}
		}
	}
	if n < 20 {
		t.Errorf("found only %d examples in the seeds; the extraction is broken", n)
	}
}

// topAPIVersion finds where an object starts in a block.
var topAPIVersion = regexp.MustCompile(`(?m)^apiVersion:`)

// indentedYAML returns the four-space indented code blocks of a Markdown
// text that hold Kubernetes objects, without their indentation.
func indentedYAML(s string) []string {
	var out []string
	var cur []string
	flush := func() {
		text := strings.Join(cur, "\n")
		if strings.Contains(text, "apiVersion:") && strings.Contains(text, "kind:") {
			out = append(out, text)
		}
		cur = nil
	}
	for _, line := range strings.Split(s, "\n") {
		switch {
		case strings.HasPrefix(line, "    "):
			cur = append(cur, line[4:])
		case strings.TrimSpace(line) == "" && cur != nil:
			cur = append(cur, "")
		default:
			if cur != nil {
				flush()
			}
		}
	}
	if cur != nil {
		flush()
	}
	return out
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}
