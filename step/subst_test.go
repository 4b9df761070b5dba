package step

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// testValues holds run-time values as the compiler delivers them, and step
// results as earlier steps write them.
func testValues(t *testing.T) *values {
	t.Helper()
	keys, rest := splitEnv([]string{
		"PIPEC.tasks.build.results.id=v0.3.0",
		`PIPEC.tasks.build.results.arr=["a","b c",""]`,
		`PIPEC.tasks.build.results.empty=[]`,
		`PIPEC.tasks.build.results.obj={"url":"https://x","n":3}`,
		"PIPEC.tasks.build.results.dotted.name=dot",
		"PIPEC.tasks.status=Succeeded",
		"PIPEC.tasks.build.results.tricky=$(tasks.build.results.id)",
		"PATH=/bin",
	})
	if !slices.Equal(rest, []string{"PATH=/bin"}) {
		t.Fatalf("splitEnv left %q", rest)
	}
	tekton := t.TempDir()
	for name, content := range map[string]string{
		"step-prev/results/r":   "hello",
		"step-prev/results/arr": `["x","y"]`,
		"step-prev/results/obj": `{"k":"v"}`,
	} {
		path := filepath.Join(tekton, "steps", name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var warn strings.Builder
	t.Cleanup(func() {
		if warn.Len() > 0 {
			t.Errorf("warnings: %s", warn.String())
		}
	})
	return &values{keys: keys, paths: Paths{Tekton: tekton}, warn: &warn}
}

func TestSubstitute(t *testing.T) {
	v := testValues(t)
	for _, tc := range []struct{ in, want string }{
		{"no refs", "no refs"},
		{"$(tasks.build.results.id)", "v0.3.0"},
		{"tag=$(tasks.build.results.id)-$(tasks.status)!", "tag=v0.3.0-Succeeded!"},
		// Arrays and objects are their JSON text as a whole, elements and
		// keys when selected.
		{"$(tasks.build.results.arr)", `["a","b c",""]`},
		{"[$(tasks.build.results.arr[1])]", "[b c]"},
		{"$(tasks.build.results.obj.url)", "https://x"},
		{"$(tasks.build.results.obj.n)", "3"},
		// Result names may hold dots; the name wins over an object key.
		{"$(tasks.build.results.dotted.name)", "dot"},
		// Bracket forms.
		{`$(tasks.build.results["id"])`, "v0.3.0"},
		{`$(tasks.build.results['id'])`, "v0.3.0"},
		{`$(tasks.build.results["dotted.name"])`, "dot"},
		{`$(tasks.build.results["obj"].url)`, "https://x"},
		{`$(tasks.build.results["arr"][0])`, "a"},
		// Unknown references, [*] inside a string and shell syntax stay.
		{"$(tasks.other.results.id)", "$(tasks.other.results.id)"},
		{"$(params.x) $(context.taskRun.name)", "$(params.x) $(context.taskRun.name)"},
		{"x$(tasks.build.results.arr[*])", "x$(tasks.build.results.arr[*])"},
		{"$(date +%s) $(pwd)", "$(date +%s) $(pwd)"},
		{"$(cat $(tasks.build.results.id))", "$(cat v0.3.0)"},
		{"$$(tasks.build.results.id)", "$v0.3.0"},
		{"$(tasks.build.results.id", "$(tasks.build.results.id"},
		{"$()", "$()"},
		// One pass: a value is not substituted again.
		{"$(tasks.build.results.tricky)", "$(tasks.build.results.id)"},
		// Step results, from files, with or without the container's "step-".
		{"$(steps.prev.results.r)", "hello"},
		{"$(steps.step-prev.results.r)", "hello"},
		{"$(steps.prev.results.arr[1])", "y"},
		{"$(steps.prev.results.obj.k)", "v"},
	} {
		got, err := v.substitute(tc.in)
		if err != nil {
			t.Errorf("substitute(%q): %v", tc.in, err)
			continue
		}
		if got != tc.want {
			t.Errorf("substitute(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSubstituteErrors(t *testing.T) {
	v := testValues(t)
	for _, tc := range []struct{ in, want string }{
		{"$(tasks.build.results.arr[3])", "$(tasks.build.results.arr[3]): index 3 out of range: the array has 3 elements"},
		{"$(tasks.build.results.id[0])", "$(tasks.build.results.id[0]): value is not a JSON array"},
		{"$(tasks.build.results.obj.nope)", `$(tasks.build.results.obj.nope): the object has no key "nope"`},
		{"$(tasks.build.results.arr.k)", `$(tasks.build.results.arr.k): value is not a JSON object, cannot select key "k"`},
	} {
		_, err := v.substitute(tc.in)
		if err == nil || err.Error() != tc.want {
			t.Errorf("substitute(%q): error %v, want %q", tc.in, err, tc.want)
		}
	}
}

func TestExpandArgs(t *testing.T) {
	v := testValues(t)
	got, err := v.expandArgs([]string{
		"$(tasks.build.results.arr[*])",
		"$(tasks.build.results.empty[*])",
		"--tag=$(tasks.build.results.id)",
		"$(tasks.build.results.arr[*])-suffix",
		"$(tasks.other.results.arr[*])",
		"$(steps.prev.results.arr[*])",
		`$(tasks.build.results["arr"][*])`,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"a", "b c", "",
		"--tag=v0.3.0",
		"$(tasks.build.results.arr[*])-suffix",
		"$(tasks.other.results.arr[*])",
		"x", "y",
		"a", "b c", "",
	}
	if !slices.Equal(got, want) {
		t.Errorf("expandArgs:\n got %q\nwant %q", got, want)
	}

	if _, err := v.expandArgs([]string{"$(tasks.build.results.id[*])"}); err == nil {
		t.Errorf("expanding a string with [*]: no error")
	}
}

func TestSubstituteEnv(t *testing.T) {
	v := testValues(t)
	env := []string{"A=$(tasks.build.results.id)", "B=plain", "C=$(unknown)", "D"}
	if err := v.substituteEnv(env); err != nil {
		t.Fatal(err)
	}
	if want := []string{"A=v0.3.0", "B=plain", "C=$(unknown)", "D"}; !slices.Equal(env, want) {
		t.Errorf("substituteEnv: %q, want %q", env, want)
	}
}

func TestMissingStepResultWarns(t *testing.T) {
	v := testValues(t)
	var warn strings.Builder
	v.warn = &warn
	got, err := v.substitute("$(steps.prev.results.nope)")
	if err != nil || got != "$(steps.prev.results.nope)" {
		t.Errorf("substitute: %q, %v; want the reference left as it is", got, err)
	}
	// A missing file is no value, like any unknown reference; an unreadable
	// one is worth a warning.
	if warn.Len() != 0 {
		t.Errorf("warned %q", warn.String())
	}
	dir := filepath.Join(v.paths.Tekton, "steps", "step-prev", "results", "dir")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if got, _ := v.substitute("$(steps.prev.results.dir)"); got != "$(steps.prev.results.dir)" || warn.Len() == 0 {
		t.Errorf("unreadable step result: %q, warning %q", got, warn.String())
	}
}

func TestReadings(t *testing.T) {
	for _, body := range []string{
		"", "a b", `tasks.a.results["r"`, `tasks.a.results.["r"]`, `tasks.a.results["r"]x`,
		"tasks.a.results.r[-1]", "tasks.a.results.r[01]", "tasks.a.results.r[x]", "tasks.*.r", "[0]",
	} {
		if rs := readings(body); len(rs) != 0 {
			t.Errorf("readings(%q) = %+v, want none", body, rs)
		}
	}
}
