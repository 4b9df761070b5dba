package emit_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/pipec-dev/pipec/compiler"
	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/emit"
	"github.com/pipec-dev/pipec/lint"
	"github.com/pipec-dev/pipec/load"
	"github.com/pipec-dev/pipec/report"
	"github.com/pipec-dev/pipec/source"
)

// Golden tests: each emit/testdata/*.txtar holds input sections (in/…),
// include-directory sections (lib/…), an optional "options" section
// (key=value lines: namespace, run, image, git-image, service-account,
// start=Kind/Name, param=…, workspace=…), and what pipec compile makes of
// them: out/FILE for each object, and "diagnostics" for what it reports.
// PIPEC_UPDATE=1 go test ./emit/... rewrites the expected sections.

var update = os.Getenv("PIPEC_UPDATE") != ""

// Images the golden files are written with, so that they do not change
// with the defaults.
const (
	testImage    = "registry.example/pipec:test"
	testGitImage = "registry.example/git:test"
)

// result is what compiling an archive gives: the files of the output and
// the diagnostics, both as text.
type result struct {
	files []emit.File
	diags string
}

// compileArchive compiles an archive's inputs as pipec compile would.
func compileArchive(t testing.TB, ar *txtar.Archive, reverse bool) result {
	t.Helper()
	opts := emit.Options{Image: testImage, GitImage: testGitImage}
	var start *emit.Start
	var files []*source.File
	lib := ""
	for _, f := range ar.Files {
		switch {
		case f.Name == "options":
			for _, line := range strings.Split(strings.TrimSpace(string(f.Data)), "\n") {
				k, v, _ := strings.Cut(line, "=")
				switch k {
				case "namespace":
					opts.Namespace = v
				case "run":
					opts.Run = v
				case "service-account":
					opts.ServiceAccount = v
				case "start":
					kind, name, _ := strings.Cut(v, "/")
					start = &emit.Start{Kind: kind, Name: name}
				case "param":
					start.Params = append(start.Params, v)
				case "workspace":
					start.Workspaces = append(start.Workspaces, v)
				case "":
				default:
					t.Fatalf("unknown option %q", k)
				}
			}
		case strings.HasPrefix(f.Name, "in/"):
			files = append(files, source.NewFile(f.Name, f.Data))
		case strings.HasPrefix(f.Name, "lib/"):
			if lib == "" {
				lib = t.TempDir()
			}
			p := filepath.Join(lib, strings.TrimPrefix(f.Name, "lib/"))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if reverse {
		slices.Reverse(files)
	}
	if start != nil {
		start.ServiceAccount = opts.ServiceAccount
		opts.ServiceAccount = ""
		f, err := start.File()
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
		opts.Run = start.RunName()
	}
	set := load.Files(files)
	var library *compiler.Library
	if lib != "" {
		var err error
		if library, err = compiler.LoadLibrary([]string{lib}); err != nil {
			t.Fatal(err)
		}
	}
	res := lint.Run(set, lint.Options{Library: library})
	// The lint's errors are why a compile is refused; its warnings belong
	// to the lint's own tests, and would tie these files to its rules.
	var ds []diag.Diagnostic
	for _, d := range res.Diags {
		if d.Severity == diag.Error {
			ds = append(ds, d)
		}
	}
	var r result
	if !diag.HasErrors(ds) {
		out, cds := emit.Compile(res.Program, opts)
		ds = append(ds, cds...)
		if !diag.HasErrors(cds) {
			fs, err := out.Files()
			if err != nil {
				t.Fatal(err)
			}
			r.files = fs
		}
	}
	r.diags = formatDiags(t, ds, set.Files, lib)
	return r
}

func formatDiags(t testing.TB, ds []diag.Diagnostic, files []*source.File, lib string) string {
	if len(ds) == 0 {
		return ""
	}
	f, err := report.New("text")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Format(&buf, ds, report.NewSources(files)); err != nil {
		t.Fatal(err)
	}
	s := buf.String()
	if lib != "" {
		s = strings.ReplaceAll(s, lib, "lib")
	}
	return s
}

func archives(t *testing.T) []string {
	names, err := filepath.Glob("testdata/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Fatal("no golden archives")
	}
	return names
}

var only = flag.String("golden", "", "run only golden archives whose name contains this")

func TestGolden(t *testing.T) {
	for _, name := range archives(t) {
		if *only != "" && !strings.Contains(name, *only) {
			continue
		}
		t.Run(strings.TrimSuffix(filepath.Base(name), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(name)
			if err != nil {
				t.Fatal(err)
			}
			got := compileArchive(t, ar, false)
			want := result{}
			for _, f := range ar.Files {
				switch {
				case strings.HasPrefix(f.Name, "out/"):
					want.files = append(want.files, emit.File{Name: strings.TrimPrefix(f.Name, "out/"), Data: f.Data})
				case f.Name == "diagnostics":
					want.diags = string(f.Data)
				}
			}
			if update {
				writeArchive(t, name, ar, got)
				return
			}
			if d := cmp.Diff(want.diags, got.diags); d != "" {
				t.Errorf("diagnostics (-want +got):\n%s", d)
			}
			if d := cmp.Diff(fileMap(want.files), fileMap(got.files)); d != "" {
				t.Errorf("output (-want +got):\n%s", d)
			}
		})
	}
}

func fileMap(fs []emit.File) map[string]string {
	m := map[string]string{}
	for _, f := range fs {
		m[f.Name] = string(f.Data)
	}
	return m
}

// writeArchive rewrites an archive's expected sections, keeping its
// comment and inputs.
func writeArchive(t *testing.T, name string, ar *txtar.Archive, r result) {
	var keep []txtar.File
	for _, f := range ar.Files {
		if !strings.HasPrefix(f.Name, "out/") && f.Name != "diagnostics" {
			keep = append(keep, f)
		}
	}
	if r.diags != "" {
		keep = append(keep, txtar.File{Name: "diagnostics", Data: []byte(r.diags)})
	}
	for _, f := range r.files {
		keep = append(keep, txtar.File{Name: "out/" + f.Name, Data: f.Data})
	}
	ar.Files = keep
	if err := os.WriteFile(name, txtar.Format(ar), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDeterminism compiles every archive twice, and once with its input
// files in the reverse order: the bytes must not change.
func TestDeterminism(t *testing.T) {
	for _, name := range archives(t) {
		ar, err := txtar.ParseFile(name)
		if err != nil {
			t.Fatal(err)
		}
		first := compileArchive(t, ar, false)
		for i, reverse := range []bool{false, true} {
			again := compileArchive(t, ar, reverse)
			if d := cmp.Diff(fileMap(first.files), fileMap(again.files)); d != "" {
				t.Errorf("%s: compile %d (reversed inputs: %v) differs (-first +again):\n%s", name, i+2, reverse, d)
			}
			if first.diags != again.diags {
				t.Errorf("%s: compile %d (reversed inputs: %v) reports differently:\n%s\n---\n%s", name, i+2, reverse, first.diags, again.diags)
			}
		}
	}
}
