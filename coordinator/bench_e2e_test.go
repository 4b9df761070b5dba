//go:build e2e

package coordinator

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/pipec-dev/pipec/plan"
)

// The benchmarks below run on the control plane of the e2e tests, with the
// fake kubelet ending every pod as soon as it sees it. Each iteration is a
// whole run; run them with -benchtime 1x and repeat with -count. After each
// run, drain waits until the Job controller has caught up and the run's
// namespace is gone: kube-controller-manager talks to the API server at 20
// requests a second, and a 200-Job run leaves it tens of seconds of work
// that would otherwise slow the next measurement.
//
//	go test -tags e2e -run '^$' -bench . -benchtime 1x -count 3 ./coordinator

// chainPlan is n tasks, each after the one before.
func chainPlan(n int) *plan.Plan {
	p := &plan.Plan{}
	for i := range n {
		t := plan.Task{Name: fmt.Sprintf("t%03d", i)}
		if i > 0 {
			t.After = []string{fmt.Sprintf("t%03d", i-1)}
		}
		p.Tasks = append(p.Tasks, t)
	}
	return p
}

// fanPlan is producers independent tasks, each with k dependents.
func fanPlan(producers, k int) *plan.Plan {
	p := &plan.Plan{}
	for i := range producers {
		prod := fmt.Sprintf("p%02d", i)
		p.Tasks = append(p.Tasks, plan.Task{Name: prod})
		for j := range k {
			p.Tasks = append(p.Tasks, plan.Task{Name: fmt.Sprintf("p%02d-d%02d", i, j), After: []string{prod}})
		}
	}
	return p
}

// widePlan is one task and n-1 tasks after it.
func widePlan(n int) *plan.Plan {
	p := &plan.Plan{Tasks: []plan.Task{{Name: "root"}}}
	for i := range n - 1 {
		p.Tasks = append(p.Tasks, plan.Task{Name: fmt.Sprintf("w%03d", i), After: []string{"root"}})
	}
	return p
}

func instant(string, int, int) podEnd { return podEnd{} }

// drain waits until every task Job of the run is complete in the Job
// controller's eyes, then deletes the run's namespace and waits until it is
// gone.
func (r *run) drain(b testing.TB) {
	b.Helper()
	client := cluster.Client()
	wait := func(what string, done func() bool) {
		for !done() {
			select {
			case <-r.ctx.Done():
				b.Fatalf("drain: %s", what)
			case <-time.After(200 * time.Millisecond):
			}
		}
	}
	for _, t := range r.f.plan.Tasks {
		wait("Job "+t.Job, func() bool {
			j, err := client.BatchV1().Jobs(r.f.ns).Get(r.ctx, t.Job, metav1.GetOptions{})
			if err != nil {
				return false
			}
			for _, c := range j.Status.Conditions {
				if (c.Type == "Complete" || c.Type == "Failed") && c.Status == "True" {
					return true
				}
			}
			return false
		})
	}
	if err := client.CoreV1().Namespaces().Delete(r.ctx, r.f.ns, metav1.DeleteOptions{}); err != nil {
		b.Fatal(err)
	}
	wait("namespace "+r.f.ns, func() bool {
		_, err := client.CoreV1().Namespaces().Get(r.ctx, r.f.ns, metav1.GetOptions{})
		return apierrors.IsNotFound(err)
	})
}

// timings collects when producers' pods ended and when Jobs were
// unsuspended, as the test saw them: the fake kubelet's status write
// returning, and the recorder's watch delivering the unsuspend.
type timings struct {
	mu        sync.Mutex
	finished  map[string]time.Time // task
	unsuspend map[string]time.Time // Job
}

func (r *run) time() *timings {
	tm := &timings{finished: map[string]time.Time{}, unsuspend: map[string]time.Time{}}
	r.drv.mu.Lock()
	r.drv.onFinish = func(task string, at time.Time) {
		tm.mu.Lock()
		tm.finished[task] = at
		tm.mu.Unlock()
	}
	r.drv.mu.Unlock()
	r.rec.mu.Lock()
	r.rec.notify = func(tr transition) {
		if !tr.suspend {
			tm.mu.Lock()
			tm.unsuspend[tr.job] = tr.at
			tm.mu.Unlock()
		}
	}
	r.rec.mu.Unlock()
	return tm
}

// latencies are, per producer, the time from its pod's end to the last of
// its dependents' unsuspends.
func (tm *timings) latencies(b *testing.B, p *plan.Plan) []time.Duration {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	last := map[string]time.Time{}
	for _, t := range p.Tasks {
		if len(t.After) != 1 {
			continue
		}
		at, ok := tm.unsuspend[t.Job]
		if !ok {
			b.Fatalf("task %s was not unsuspended", t.Name)
		}
		if at.After(last[t.After[0]]) {
			last[t.After[0]] = at
		}
	}
	var out []time.Duration
	for prod, at := range last {
		out = append(out, at.Sub(tm.finished[prod]))
	}
	return out
}

func percentile(ds []time.Duration, p float64) time.Duration {
	s := slices.Sorted(slices.Values(ds))
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// BenchmarkUnsuspendLatency measures the time from a producer's pod
// reaching Succeeded to every dependent Job being unsuspended: over a chain
// of 201 tasks (200 producers with one dependent each) and 20 producers
// with 10 dependents each.
func BenchmarkUnsuspendLatency(b *testing.B) {
	var all []time.Duration
	writes, tasks := int64(0), 0
	for b.Loop() {
		for _, p := range []*plan.Plan{chainPlan(201), fanPlan(20, 10)} {
			r := newRun(b, p, instant)
			tm := r.time()
			r.coordinate()
			if r.record.State != string(RunSucceeded) {
				b.Fatalf("run %s", r.record.State)
			}
			all = append(all, tm.latencies(b, r.f.plan)...)
			writes += r.stats.Writes
			tasks += len(p.Tasks)
			r.drain(b)
		}
	}
	b.ReportMetric(float64(len(all)), "samples")
	b.ReportMetric(ms(percentile(all, 0.5)), "p50-ms")
	b.ReportMetric(ms(percentile(all, 0.99)), "p99-ms")
	b.ReportMetric(ms(slices.Max(all)), "max-ms")
	b.ReportMetric(float64(writes)/float64(tasks), "writes/task")
}

// BenchmarkDAG runs 200 instantly completing tasks, wide (one task, then
// 199 after it) and deep (a chain), through pipec and through the floor:
// the same Jobs unsuspended by a trivial driver with no plan, no results
// and no records, all at once (wide) or each as soon as the pod before it
// has ended (deep). The figure is the wall time of a run, from the first
// decision to the coordinator's exit (pipec) or to the last pod's end
// (floor).
func BenchmarkDAG(b *testing.B) {
	for _, shape := range []struct {
		name string
		plan func() *plan.Plan
	}{{"wide", func() *plan.Plan { return widePlan(200) }}, {"deep", func() *plan.Plan { return chainPlan(200) }}} {
		b.Run(shape.name+"/pipec", func(b *testing.B) {
			var total time.Duration
			writes := int64(0)
			for b.Loop() {
				r := newRun(b, shape.plan(), instant)
				start := time.Now()
				r.coordinate()
				total += time.Since(start)
				writes += r.stats.Writes
				if r.record.State != string(RunSucceeded) {
					b.Fatalf("run %s", r.record.State)
				}
				r.drain(b)
			}
			b.ReportMetric(total.Seconds()/float64(b.N), "s/run")
			b.ReportMetric(float64(writes)/float64(b.N*200), "writes/task")
		})
		b.Run(shape.name+"/floor", func(b *testing.B) {
			var total time.Duration
			for b.Loop() {
				r := newRun(b, shape.plan(), instant)
				total += r.floor(b, shape.name == "wide")
				r.drain(b)
			}
			b.ReportMetric(total.Seconds()/float64(b.N), "s/run")
		})
	}
}

// floor runs a run's Jobs without pipec: all unsuspended at once, or each
// when the pod of the one before has ended. It returns the time until the
// last pod ended.
func (r *run) floor(b testing.TB, atOnce bool) time.Duration {
	jobs := cluster.Client().BatchV1().Jobs(r.f.ns)
	unsuspend := func(name string) {
		_, err := jobs.Patch(r.ctx, name, types.MergePatchType, []byte(`{"spec":{"suspend":false}}`), metav1.PatchOptions{})
		if err != nil {
			b.Error(err)
		}
	}
	tasks := r.f.plan.Tasks
	done := make(chan time.Time, len(tasks))
	next := map[string]string{}
	for i := 1; i < len(tasks); i++ {
		next[tasks[i-1].Name] = tasks[i].Job
	}
	r.drv.mu.Lock()
	prev := r.drv.onFinish
	r.drv.onFinish = func(task string, at time.Time) {
		if prev != nil {
			prev(task, at)
		}
		if !atOnce && next[task] != "" {
			unsuspend(next[task])
		}
		done <- at
	}
	r.drv.mu.Unlock()
	start := time.Now()
	if atOnce {
		var wg sync.WaitGroup
		sem := make(chan struct{}, writeParallelism)
		for _, t := range tasks {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				unsuspend(t.Job)
			}()
		}
		wg.Wait()
	} else {
		unsuspend(tasks[0].Job)
	}
	var last time.Time
	for range tasks {
		select {
		case at := <-done:
			if at.After(last) {
				last = at
			}
		case <-r.ctx.Done():
			b.Fatal("the floor run did not finish")
		}
	}
	return last.Sub(start)
}

// BenchmarkStepBreakdown splits one step of a 40-task chain, for pipec and
// for the floor driver: from a pod's end to the next Job's unsuspend (the
// coordinator's part), from the unsuspend to the new pod (the Job
// controller's), and from there to the pod's end (the fake kubelet's).
func BenchmarkStepBreakdown(b *testing.B) {
	for _, mode := range []string{"pipec", "floor"} {
		b.Run(mode, func(b *testing.B) {
			var react, create, finish time.Duration
			steps := 0
			for b.Loop() {
				p := chainPlan(40)
				r := newRun(b, p, instant)
				r.drv.mu.Lock()
				r.drv.seen = map[string]time.Time{}
				r.drv.mu.Unlock()
				tm := r.time()
				if mode == "pipec" {
					r.coordinate()
				} else {
					r.floor(b, false)
				}
				r.drv.mu.Lock()
				tm.mu.Lock()
				for i := 1; i < len(p.Tasks); i++ {
					prev, cur := p.Tasks[i-1], p.Tasks[i]
					end := r.drv.finished[r.drv.pods[prev.Name][0]]
					react += tm.unsuspend[cur.Job].Sub(end)
					create += r.drv.seen[cur.Name].Sub(tm.unsuspend[cur.Job])
					finish += r.drv.finished[r.drv.pods[cur.Name][0]].Sub(r.drv.seen[cur.Name])
					steps++
				}
				tm.mu.Unlock()
				r.drv.mu.Unlock()
				r.drain(b)
			}
			n := time.Duration(steps)
			b.ReportMetric(ms(react/n), "react-ms/step")
			b.ReportMetric(ms(create/n), "jobctl-ms/step")
			b.ReportMetric(ms(finish/n), "kubelet-ms/step")
		})
	}
}
