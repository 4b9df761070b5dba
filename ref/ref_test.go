package ref

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFind(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string // canonical String() of each ref
	}{
		{"$(params.image)", []string{"$(params.image)"}},
		{"a $(params.a) b $(params.b) c", []string{"$(params.a)", "$(params.b)"}},
		{`$(params["image.tag"])`, []string{`$(params["image.tag"])`}},
		{`$(params['x'])`, []string{`$(params["x"])`}},
		{"$(params.list[*])", []string{"$(params.list[*])"}},
		{"$(params.list[12])", []string{"$(params.list[12])"}},
		{"$(params.obj.key)", []string{"$(params.obj.key)"}},
		{`$(params["obj"].key)`, []string{`$(params["obj"].key)`}},
		{"$(tasks.build.results.digest)", []string{"$(tasks.build.results.digest)"}},
		{"$(tasks.build.results.list[*])", []string{"$(tasks.build.results.list[*])"}},
		{"$(tasks.status)", []string{"$(tasks.status)"}},
		{"$(context.pipelineRun.name)-x", []string{"$(context.pipelineRun.name)"}},
		{"$(date +%s) $(cat f) $( params.x )", nil},
		{"$(params.)", nil},
		{"$(params..x)", nil},
		{"$(params.x[*].y)", nil},
		{"$(params.x", nil},
		{"$()", nil},
		{"$$(params.x)", []string{"$(params.x)"}},
		{"$(inputs.params.base-version)-${ts}", []string{"$(inputs.params.base-version)"}},
		{"ts=`date`; echo $(results.timestamp.path)", []string{"$(results.timestamp.path)"}},
	} {
		var got []string
		for _, r := range Find(tc.in) {
			got = append(got, r.String())
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Find(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

func TestSpans(t *testing.T) {
	s := `x $(params["a.b"]) y $(tasks.t.results.r[*])`
	refs := Find(s)
	if len(refs) != 2 {
		t.Fatalf("got %d refs", len(refs))
	}
	if got := refs[0].Text(s); got != `$(params["a.b"])` {
		t.Errorf("first text %q", got)
	}
	if seg := refs[0].Path[1]; s[seg.Start:seg.End] != "a.b" || !seg.Bracketed {
		t.Errorf("bracketed segment %+v", seg)
	}
	if seg := refs[1].Path[3]; s[seg.Start:seg.End] != "r" {
		t.Errorf("result segment %+v", seg)
	}
	if !refs[1].Star || refs[1].IsWhole(s) {
		t.Errorf("star=%v whole=%v", refs[1].Star, refs[1].IsWhole(s))
	}
	if strings.Join(refs[1].Names(), ".") != "tasks.t.results.r" {
		t.Errorf("names %v", refs[1].Names())
	}
}

func FuzzFind(f *testing.F) {
	for _, s := range []string{"$(params.a)", `$(params["a.b"][*])`, "$(tasks.t.results.r.k) $(x", "$($(params.a))", "$(a[0]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		prev := 0
		for _, r := range Find(s) {
			if r.Start < prev || r.End > len(s) || r.Start >= r.End || s[r.Start:r.Start+2] != "$(" || s[r.End-1] != ')' {
				t.Fatalf("bad span %d:%d in %q", r.Start, r.End, s)
			}
			for _, seg := range r.Path {
				if seg.Start < r.Start || seg.End > r.End || s[seg.Start:seg.End] != seg.Name {
					t.Fatalf("bad segment %+v in %q", seg, s)
				}
			}
			// Rendering canonically and parsing again gives the same path.
			again := Find(r.String())
			if len(again) != 1 || strings.Join(again[0].Names(), "\x00") != strings.Join(r.Names(), "\x00") {
				t.Fatalf("round trip of %q: %q", r.Text(s), r.String())
			}
			prev = r.End
		}
	})
}
