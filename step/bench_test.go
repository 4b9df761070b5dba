package step_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkStepOverhead measures what the wrapper adds to a step: each
// iteration runs a no-op script directly, then the same script through
// `pipec step --script`, and reports both and their difference in ms.
//
// "pipec" is the real binary, with every package it links initialised at
// start-up (go build must succeed); "testbinary" is this test binary acting
// as the wrapper.
func BenchmarkStepOverhead(b *testing.B) {
	dir := b.TempDir()
	bin := filepath.Join(dir, "pipec")
	build := exec.Command("go", "build", "-o", bin, "github.com/pipec-dev/pipec/cmd/pipec")
	if out, err := build.CombinedOutput(); err != nil {
		b.Logf("building pipec failed, measuring the test binary only: %v\n%s", err, out)
		bin = ""
	}
	// The script as the wrapper would write it, run directly.
	script := filepath.Join(dir, "noop")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nset -e\ntrue\n"), 0o755); err != nil {
		b.Fatal(err)
	}

	bench := func(b *testing.B, wrapped func() *exec.Cmd) {
		var direct, through time.Duration
		for b.Loop() {
			start := time.Now()
			if err := exec.Command(script).Run(); err != nil {
				b.Fatal(err)
			}
			mid := time.Now()
			if out, err := wrapped().CombinedOutput(); err != nil {
				b.Fatalf("%v\n%s", err, out)
			}
			direct += mid.Sub(start)
			through += time.Since(mid)
		}
		ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) / float64(b.N) }
		b.ReportMetric(ms(direct), "direct-ms/op")
		b.ReportMetric(ms(through), "wrapped-ms/op")
		b.ReportMetric(ms(through-direct), "overhead-ms/op")
	}

	if bin != "" {
		b.Run("pipec", func(b *testing.B) {
			p := newPod(b)
			bench(b, func() *exec.Cmd {
				cmd := exec.Command(bin, "step", "--name", "noop", "--script", "true")
				cmd.Env = p.env
				return cmd
			})
		})
	}
	b.Run("testbinary", func(b *testing.B) {
		p := newPod(b)
		bench(b, func() *exec.Cmd { return p.wrapper([]string{"--name", "noop", "--script", "true"}) })
	})
}
