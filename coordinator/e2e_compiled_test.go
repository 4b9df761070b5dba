//go:build e2e

package coordinator

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/emit"
	"github.com/pipec-dev/pipec/lint"
	"github.com/pipec-dev/pipec/load"
	"github.com/pipec-dev/pipec/plan"
)

// compile compiles the Tekton files at paths as `pipec compile` does and
// returns the YAML of the objects.
func compile(t *testing.T, paths ...string) []byte {
	t.Helper()
	set, err := load.Paths(paths, nil)
	if err != nil {
		t.Fatal(err)
	}
	res := lint.Run(set, lint.Options{})
	for _, d := range res.Diags {
		if d.Severity == diag.Error {
			t.Fatalf("compile: %s: %s", d.Code, d.Message)
		}
	}
	out, ds := emit.Compile(res.Program, emit.Options{})
	if diag.HasErrors(ds) {
		t.Fatalf("compile: %v", ds)
	}
	y, err := out.YAML()
	if err != nil {
		t.Fatal(err)
	}
	return y
}

// applyCompiled applies compiled objects to a fresh namespace with kubectl
// and returns the run, whose plan is the one the compiler wrote.
func applyCompiled(t *testing.T, runName string, objects []byte, extra []string, behave behaviour) *run {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), deadline)
	t.Cleanup(cancel)
	ns := cluster.NewNamespace(t)
	r := &run{t: t, ctx: ctx}
	r.rec = startRecorder(ctx, t, ns)
	r.drv = newDriver(t, ns, behave)
	go r.drv.run(ctx)
	for _, f := range extra {
		if out, errOut, err := cluster.Kubectl("apply", "-n", ns, "-f", f); err != nil {
			t.Fatalf("kubectl apply %s: %v\n%s%s", f, err, out, errOut)
		}
	}
	if out, errOut, err := cluster.KubectlInput(ctx, bytes.NewReader(objects), "apply", "-n", ns, "-f", "-"); err != nil {
		t.Fatalf("kubectl apply: %v\n%s%s", err, out, errOut)
	}
	cm, err := cluster.Client().CoreV1().ConfigMaps(ns).Get(ctx, plan.PlanConfigMap(runName), metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.Parse([]byte(cm.Data[plan.PlanKey]))
	if err != nil {
		t.Fatal(err)
	}
	r.f = &fixture{ns: ns, plan: p}
	return r
}

// coordinateAs runs a coordinator with the rights of the run's own
// service account, as its pod would: the compiler's least-privilege Role
// must be enough.
func (r *run) coordinateAs(serviceAccount string) RunRecord {
	r.t.Helper()
	c, err := New(Options{Config: cluster.ServiceAccountConfig(r.f.ns, serviceAccount), Namespace: r.f.ns, Run: r.f.plan.Run, Logf: r.t.Logf})
	if err != nil {
		r.t.Fatal(err)
	}
	rec, err := c.Run(r.ctx)
	if err != nil {
		r.t.Fatal(err)
	}
	r.record, r.stats = rec, c.Stats()
	r.t.Logf("run: %s (%s) %s; %d writes, %d conflicts", rec.State, rec.Reason, rec.Message, r.stats.Writes, r.stats.Conflicts)
	return rec
}

// TestSeedResults runs seed 05-results as `pipec compile` compiles it: the
// build id get-build-id reports reaches build-and-push's pod through the
// results ConfigMap (the fake kubelet resolves the pod's configMapKeyRef
// as a kubelet would), and the coordinator needs no right beyond the Role
// the compiler gave it.
func TestSeedResults(t *testing.T) {
	dir := filepath.Join("..", "testdata", "seeds", "05-results")
	objects := compile(t, dir)
	r := applyCompiled(t, "test-pipelinerun", objects,
		[]string{filepath.Join(dir, "sa.yaml"), filepath.Join(dir, "harbor-auth.yaml")},
		succeed(map[string]map[string]string{
			"get-build-id": {"timestamp": "20220719-064312", "build-id": "v0.3.0-20220719-064312"},
		}))
	r.coordinateAs(r.f.plan.CoordinatorJob)
	order := r.check(map[string]string{
		"test": "Succeeded Succeeded", "get-build-id": "Succeeded Succeeded", "build-and-push": "Succeeded Succeeded",
	})
	if !before(order, "get-build-id", "build-and-push") || !before(order, "test", "build-and-push") {
		t.Errorf("unsuspended %v", order)
	}
	if got := r.values()["tasks.get-build-id.results.build-id"]; got != "v0.3.0-20220719-064312" {
		t.Errorf("build-id in the results ConfigMap = %q", got)
	}
	r.wantRun(RunSucceeded, "Succeeded")
	r.checkWrites()
}

// TestCompiledMixed runs testdata/mixed.yaml as compiled: a when over a
// result skips deploy but not publish, which runs after it; a matrix's
// results reach publish as one array; finally reads the statuses.
func TestCompiledMixed(t *testing.T) {
	objects := compile(t, filepath.Join("testdata", "mixed.yaml"))
	r := applyCompiled(t, "mixed", objects, nil, func(task string, index, _ int) podEnd {
		switch task {
		case "check":
			return podEnd{results: map[string]string{"deploy": "no"}}
		case "build":
			return podEnd{results: map[string]string{"digest": fmt.Sprint("sha-", index)}}
		}
		return podEnd{}
	})
	r.coordinateAs(r.f.plan.CoordinatorJob)
	order := r.check(map[string]string{
		"check": "Succeeded Succeeded", "build": "Succeeded Succeeded", "deploy": "Skipped " + SkipWhen,
		"publish": "Succeeded Succeeded", "report": "Succeeded Succeeded",
	})
	if !before(order, "build", "publish") || !before(order, "publish", "report") || slices.Contains(order, "deploy") {
		t.Errorf("unsuspended %v", order)
	}
	vals := r.values()
	for k, v := range map[string]string{
		"tasks.build.results.digest": `["sha-0","sha-1","sha-2"]`,
		"tasks.deploy.status":        "None",
		"tasks.status":               "Completed",
	} {
		if vals[k] != v {
			t.Errorf("%s = %q, want %q", k, vals[k], v)
		}
	}
	if got := fmt.Sprint(r.record.Results["digests"]); got != "[sha-0 sha-1 sha-2]" {
		t.Errorf("pipeline result digests = %s", got)
	}
	r.wantRun(RunSucceeded, "Completed")
	r.checkWrites()
}
