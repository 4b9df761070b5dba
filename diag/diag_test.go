package diag

import "testing"

func TestClosest(t *testing.T) {
	cands := []string{"image-tag", "image", "registry_url", "git-url"}
	for _, tc := range []struct{ name, want string }{
		{"imag-tag", "image-tag"},
		{"imgae-tag", "image-tag"}, // transposition counts as one edit
		{"registry-url", "registry_url"},
		{"giturl", "git-url"},
		{"something-else", ""},
		{"image", ""}, // an exact match is not a suggestion
		{"x", ""},
	} {
		if got := Closest(tc.name, cands); got != tc.want {
			t.Errorf("Closest(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestSortDedups(t *testing.T) {
	a := Diagnostic{Code: "A", Subject: Range{File: "b.yaml", Start: Pos{Line: 2, Column: 1}}}
	b := Diagnostic{Code: "A", Subject: Range{File: "a.yaml", Start: Pos{Line: 9, Column: 1}}}
	got := Sort([]Diagnostic{a, b, a})
	if len(got) != 2 || got[0].Subject.File != "a.yaml" {
		t.Fatalf("Sort = %v", got)
	}
}
