package emit

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pipec-dev/pipec/ref"
)

func TestShorten(t *testing.T) {
	long := strings.Repeat("a", 70)
	got := shorten(long, maxName)
	if len(got) != maxName || !strings.HasPrefix(got, strings.Repeat("a", 57)+"-") {
		t.Errorf("shorten(70 a) = %q (%d)", got, len(got))
	}
	if shorten(long, maxName) != got {
		t.Error("shorten is not stable")
	}
	if shorten(long+"b", maxName) == got {
		t.Error("two names shortened alike")
	}
	if s := shorten("short", maxName); s != "short" {
		t.Errorf("shorten(short) = %q", s)
	}
	// An Indexed Job leaves room for "-INDEX" in its pods' hostnames.
	if j := jobName(strings.Repeat("r", 40), strings.Repeat("t", 40), 256); len(j)+len("-255") > maxName {
		t.Errorf("jobName %q leaves no room for the index", j)
	}
}

func TestEscapeKubelet(t *testing.T) {
	for in, want := range map[string]string{
		"echo $HOME":           "echo $HOME",
		"echo $(date)":         "echo $$(date)",
		"echo $$":              "echo $$$",
		"a $$(b)":              "a $$$$(b)",
		"cost: 5$":             "cost: 5$",
		"$(tasks.a.results.r)": "$$(tasks.a.results.r)",
	} {
		if got := escapeKubelet(in); got != want {
			t.Errorf("escapeKubelet(%q) = %q, want %q", in, got, want)
		}
	}
}

// unescape is the kubelet's expansion with no variables defined.
func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '$' && i+1 < len(s) && s[i+1] == '$' {
			b.WriteByte('$')
			i++
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func TestEscapeKubeletRoundTrip(t *testing.T) {
	for _, s := range []string{"$", "$$", "$$$", "$(", "$$(", "x$($$y)$", "echo ${A:-$(b)}"} {
		if got := unescape(escapeKubelet(s)); got != s {
			t.Errorf("kubelet(escape(%q)) = %q", s, got)
		}
	}
}

func jsonValue(t *testing.T, s string) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestMergeTemplate has the cases of Tekton's merge_test.go that the
// order of env entries depends on.
func TestMergeTemplate(t *testing.T) {
	for _, tc := range []struct{ name, tmpl, step, want string }{
		{"overwrite", `{"image":"a","command":["/c"]}`, `{"image":"b"}`, `{"image":"b","command":["/c"]}`},
		{"env",
			`{"env":[{"name":"KEEP_THIS","value":"A"},{"name":"SOME_KEY","value":"ORIG"}]}`,
			`{"env":[{"name":"NEW_KEY","value":"A"},{"name":"SOME_KEY","value":"NEW"}]}`,
			`{"env":[{"name":"NEW_KEY","value":"A"},{"name":"KEEP_THIS","value":"A"},{"name":"SOME_KEY","value":"NEW"}]}`},
		{"env replaced whole",
			`{"env":[{"name":"K","value":"A"},{"name":"S1","valueFrom":{"secretKeyRef":{"name":"n","key":"k"}}},{"name":"S2","value":"V2"}]}`,
			`{"env":[{"name":"N","value":"A"},{"name":"S1","value":"V1"},{"name":"S2","valueFrom":{"secretKeyRef":{"name":"n","key":"k"}}}]}`,
			`{"env":[{"name":"N","value":"A"},{"name":"K","value":"A"},{"name":"S1","value":"V1"},{"name":"S2","valueFrom":{"secretKeyRef":{"name":"n","key":"k"}}}]}`},
		{"mounts merge", `{"volumeMounts":[{"name":"a","mountPath":"/x","readOnly":true}]}`, `{"volumeMounts":[{"name":"b","mountPath":"/x"}]}`,
			`{"volumeMounts":[{"name":"b","mountPath":"/x","readOnly":true}]}`},
		{"resources merge", `{"resources":{"limits":{"cpu":"1","memory":"1Gi"}}}`, `{"resources":{"limits":{"cpu":"2"}}}`,
			`{"resources":{"limits":{"cpu":"2","memory":"1Gi"}}}`},
		{"args replaced", `{"args":["a","b"]}`, `{"args":["c"]}`, `{"args":["c"]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := mergeTemplate(jsonValue(t, tc.tmpl), jsonValue(t, tc.step))
			if d := cmp.Diff(jsonValue(t, tc.want), got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// TestFanOut follows the cases of Tekton's matrix documentation.
func TestFanOut(t *testing.T) {
	params := []matrixParam{{"GOARCH", []string{"linux/amd64", "linux/ppc64le", "linux/s390x"}}, {"version", []string{"go1.17", "go1.18.1"}}}
	includes := []map[string]string{
		{"GOARCH": "linux/amd64", "flags": "-cover -v"},
		{"GOARCH": "linux/s390x", "flags": "-cover -v"},
		{"GOARCH": "linux/arm64", "flags": "-race"},
		// Not added: go1.17 is a value of some combination already.
		{"GOARCH": "linux/arm", "version": "go1.17"},
	}
	got := fanOut(params, includes)
	want := []map[string]string{
		{"GOARCH": "linux/amd64", "version": "go1.17", "flags": "-cover -v"},
		{"GOARCH": "linux/ppc64le", "version": "go1.17"},
		{"GOARCH": "linux/s390x", "version": "go1.17", "flags": "-cover -v"},
		{"GOARCH": "linux/amd64", "version": "go1.18.1", "flags": "-cover -v"},
		{"GOARCH": "linux/ppc64le", "version": "go1.18.1"},
		{"GOARCH": "linux/s390x", "version": "go1.18.1", "flags": "-cover -v"},
		{"GOARCH": "linux/arm64", "flags": "-race"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	onlyInclude := fanOut(nil, []map[string]string{{"a": "1"}, {"a": "2"}})
	if d := cmp.Diff([]map[string]string{{"a": "1"}, {"a": "2"}}, onlyInclude); d != "" {
		t.Errorf("include only (-want +got):\n%s", d)
	}
}

// TestSubstitution checks Tekton's substitution forms and order.
func TestSubstitution(t *testing.T) {
	vals := map[string]*value{
		"s":   stringValue("str"),
		"a.b": stringValue("dotted"),
		"arr": {typ: "array", arr: []string{"x", "y"}},
		"obj": {typ: "object", obj: map[string]string{"k": "v"}, keys: []string{"k"}},
		"rt":  {typ: "array", runtime: "tasks.t.results.list"},
		"p":   stringValue("$(workspaces.w.path)/f"),
	}
	sub := &substituter{phases: []phase{
		paramPhase{vals: vals, inputs: true},
		mapPhase(map[string]string{"workspaces.w.path": "/workspace/w"}),
	}}
	for in, want := range map[string]string{
		"$(params.s)":              "str",
		"$(params['s'])":           "str",
		`$(params["a.b"])`:         "dotted",
		"$(params.a.b)":            "dotted",
		"$(inputs.params.s)":       "str",
		"$(params.arr[1])":         "y",
		"$(params.arr[7])":         "$(params.arr[7])",
		"$(params.obj.k)":          "v",
		"$(params.rt[0])":          "$(tasks.t.results.list[0])",
		"$(params.p)":              "/workspace/w/f", // a param's value sees later phases
		"$(params.unknown) $(x y)": "$(params.unknown) $(x y)",
		"a $(params.arr[*]) b":     "a $(params.arr[*]) b", // an array in text stays
	} {
		if got := sub.text(in); got != want {
			t.Errorf("text(%q) = %q, want %q", in, got, want)
		}
	}
	got := sub.list([]string{"-a", "$(params.arr[*])", "$(params.arr)", "$(params.rt[*])", "-$(params.s)"})
	want := []string{"-a", "x", "y", "x", "y", "$(tasks.t.results.list[*])", "-str"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("list (-want +got):\n%s", d)
	}
	r := ref.Find("$(results.out.path)")[0]
	if dotted(r) != "results.out.path" {
		t.Errorf("dotted = %q", dotted(r))
	}
}
