//go:build e2e

package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipec-dev/pipec/internal/cli"
	"github.com/pipec-dev/pipec/internal/k8stest"
)

// cluster is the control plane of this package's e2e tests.
var cluster *k8stest.Cluster

func TestMain(m *testing.M) {
	c, err := k8stest.Start(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	cluster = c
	code := m.Run()
	c.Stop()
	os.Exit(code)
}

// gatedRun is a PipelineRun whose only task is skipped by its when
// expression: no pod has to run for the coordinator to finish it, and this
// package's control plane has no fake kubelet.
const gatedRun = `apiVersion: tekton.dev/v1
kind: PipelineRun
metadata:
  name: gated
spec:
  params:
    - name: go
      value: "no"
  pipelineSpec:
    params:
      - name: go
    tasks:
      - name: work
        when:
          - input: $(params.go)
            operator: in
            values: ["yes"]
        taskSpec:
          steps:
            - name: s
              image: alpine:3.20
              script: echo work
`

// TestCoordinateCommandE2E runs the command line end to end: pipec compile,
// kubectl apply, pipec coordinate with a kubeconfig, pipec runs describe;
// then a cancelled run, whose coordinate exits 1.
func TestCoordinateCommandE2E(t *testing.T) {
	in := filepath.Join(t.TempDir(), "run.yaml")
	if err := os.WriteFile(in, []byte(gatedRun), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := cli.Run(args, cli.IO{In: strings.NewReader(""), Out: &out, Err: &errb})
		return code, out.String(), errb.String()
	}
	code, objects, stderr := run("compile", in)
	if code != 0 {
		t.Fatalf("compile: exit %d: %s", code, stderr)
	}
	kc := cluster.Kubeconfig()
	for _, tc := range []struct {
		name     string
		cancel   bool
		code     int
		describe []string
	}{
		{name: "completed", code: 0, describe: []string{"work", "Skipped", "When Expressions evaluated to false", "run gated: Succeeded (Completed)"}},
		{name: "cancelled", cancel: true, code: 1, describe: []string{"work", "Skipped", "PipelineRun was gracefully cancelled", "run gated: Cancelled (Cancelled)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ns := cluster.NewNamespace(t)
			ctx := t.Context()
			if out, errOut, err := cluster.KubectlInput(ctx, strings.NewReader(objects), "apply", "-n", ns, "-f", "-"); err != nil {
				t.Fatalf("kubectl apply: %v\n%s%s", err, out, errOut)
			}
			if tc.cancel {
				if code, out, errOut := run("runs", "cancel", "gated", "-n", ns, "--kubeconfig", kc); code != 0 {
					t.Fatalf("runs cancel: exit %d\n%s%s", code, out, errOut)
				}
			}
			code, _, log := run("coordinate", "--run", "gated", "-n", ns, "--kubeconfig", kc)
			if code != tc.code {
				t.Fatalf("coordinate: exit %d, want %d\n%s", code, tc.code, log)
			}
			code, out, stderr := run("runs", "describe", "gated", "-n", ns, "--kubeconfig", kc)
			if code != 0 {
				t.Fatalf("runs describe: exit %d: %s", code, stderr)
			}
			for _, want := range tc.describe {
				if !strings.Contains(out, want) {
					t.Errorf("runs describe lacks %q:\n%s", want, out)
				}
			}
			t.Logf("coordinate:\n%s\nruns describe:\n%s", log, out)
		})
	}
}
