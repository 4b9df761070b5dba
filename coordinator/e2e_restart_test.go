//go:build e2e

package coordinator

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pipec-dev/pipec/internal/k8stest"
	"github.com/pipec-dev/pipec/plan"
)

// tenTasks is a run of ten tasks that uses most of what the coordinator
// does: results flowing, a when-skip whose dependent still runs, a matrix
// with aggregated results, a failure ignored, and finally reading
// statuses.
func tenTasks() *plan.Plan {
	return &plan.Plan{
		Tasks: []plan.Task{
			{Name: "src", Results: []plan.ResultSpec{{Name: "id"}}},
			{Name: "compile", After: []string{"src"}, Needs: []string{"tasks.src.results.id"}, Results: []plan.ResultSpec{{Name: "bin"}}},
			{Name: "vet", After: []string{"src"}, OnError: "continue"},
			{Name: "gated", After: []string{"src"}, When: []plan.When{{Input: "$(tasks.src.results.id)", Operator: "notin", Values: []string{"v1"}}}},
			{Name: "after-gated", After: []string{"gated"}},
			{Name: "package", After: []string{"compile", "vet"}, Needs: []string{"tasks.compile.results.bin"}, Results: []plan.ResultSpec{{Name: "tar"}}},
			{Name: "test", After: []string{"package"}, Matrix: 3, Results: []plan.ResultSpec{{Name: "report"}}},
			{Name: "collect", After: []string{"test"}, Needs: []string{"tasks.test.results.report"}},
			{Name: "publish", After: []string{"collect", "after-gated"}},
		},
		Finally: []plan.Task{
			{Name: "notify", Needs: []string{"tasks.status", "tasks.gated.status", "tasks.vet.status"}},
		},
		Results: []plan.PipelineResult{
			{Name: "bin", Value: "$(tasks.compile.results.bin)"},
			{Name: "reports", Type: "array", Value: []any{"$(tasks.test.results.report[*])"}},
		},
	}
}

// tenTaskBehaviour ends the pods of tenTasks after a short random delay,
// so that restarts fall between different events each time.
func tenTaskBehaviour(seed uint64) behaviour {
	return func(task string, index, attempt int) podEnd {
		rng := rand.New(rand.NewPCG(seed, uint64(len(task)*100+index*10+attempt)))
		e := podEnd{delay: time.Duration(rng.IntN(150)) * time.Millisecond}
		switch task {
		case "src":
			e.results = map[string]string{"id": "v1"}
		case "compile":
			e.results = map[string]string{"bin": "app-v1"}
		case "vet":
			e.fail, e.errText = true, "vet found issues"
		case "package":
			e.results = map[string]string{"tar": "app.tar"}
		case "test":
			e.results = map[string]string{"report": fmt.Sprint("ok-", index)}
		}
		return e
	}
}

// endState is what a run leaves behind, to compare runs.
type endState struct {
	tasks  map[string]string // task → "state reason"
	values map[string]string // the results ConfigMap, without the run's uid
	run    string
}

func (r *run) endState() endState {
	r.t.Helper()
	s := endState{tasks: map[string]string{}, values: r.values()}
	for name, td := range r.describe() {
		s.tasks[name] = td.State + " " + td.Reason
	}
	if s.values[keyPipelineRunUID] == "" {
		r.t.Errorf("no %s", keyPipelineRunUID)
	}
	delete(s.values, keyPipelineRunUID)
	rec := r.record
	s.run = fmt.Sprintf("%s %s %v", rec.State, rec.Reason, rec.Results)
	return s
}

func TestKillAndRestart(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))

	ref := newRun(t, tenTasks(), tenTaskBehaviour(seed))
	ref.coordinate()
	want := ref.endState()
	ref.check(nil)
	ref.checkWrites()
	t.Logf("reference: %v", want.tasks)

	const minKills = 24
	kills := 0
	for round := 0; kills < minKills; round++ {
		r := newRun(t, tenTasks(), tenTaskBehaviour(seed))
		var points []string
		for instance := 0; ; instance++ {
			if instance > 200 {
				t.Fatal("the run does not finish")
			}
			c := r.coordinator()
			c.opts.Logf = func(string, ...any) {}
			ctx, cancel := context.WithCancel(r.ctx)
			var killed atomic.Value
			kill := func(at string) {
				if killed.CompareAndSwap(nil, at) {
					cancel()
				}
			}
			// Kill at a write (before it is sent, or after its answer),
			// or at a random moment, which may fall while the informers
			// list or between two reconciles.
			stage, k := [2]string{"before", "after"}[rng.IntN(2)], int64(1+rng.IntN(4))
			c.hook = func(s string, n int64) {
				if s == stage && n == k {
					kill(fmt.Sprintf("%s write %d", stage, k))
				}
			}
			if rng.IntN(3) == 0 {
				d := time.Duration(rng.IntN(300)) * time.Millisecond
				time.AfterFunc(d, func() { kill(fmt.Sprintf("after %v", d)) })
			}
			rec, err := c.Run(ctx)
			cancel()
			if err == nil {
				r.record, r.stats = rec, c.Stats()
				break
			}
			if r.ctx.Err() != nil || !errors.Is(err, context.Canceled) {
				t.Fatalf("round %d, instance %d: %v", round, instance, err)
			}
			kills++
			points = append(points, fmt.Sprint(killed.Load()))
		}
		t.Logf("round %d: killed %d times (%v)", round, len(points), points)
		r.check(nil)
		got := r.endState()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("round %d ends differently:\n got %+v\nwant %+v", round, got, want)
		}
		// A coordinator started after the end finds the run's record and
		// writes nothing.
		c := r.coordinator()
		rec, err := c.Run(r.ctx)
		if err != nil || rec.State != r.record.State || c.Stats().Writes != 0 {
			t.Errorf("after the end: %v %v, %d writes", rec.State, err, c.Stats().Writes)
		}
	}
	t.Logf("%d kills in all", kills)
}

// TestAPIServerRestart restarts kube-apiserver while a run is in the
// middle of a chain of tasks: the informers reconnect, the writes that
// fail are retried, and the run ends as it would have.
func TestAPIServerRestart(t *testing.T) {
	var tasks []plan.Task
	for i := range 6 {
		task := plan.Task{Name: fmt.Sprint("t", i), Results: []plan.ResultSpec{{Name: "n"}}}
		if i > 0 {
			prev := fmt.Sprint("t", i-1)
			task.After = []string{prev}
			task.Needs = []string{plan.ResultKey(prev, "n")}
		}
		tasks = append(tasks, task)
	}
	r := newRun(t, &plan.Plan{Tasks: tasks}, func(task string, _, _ int) podEnd {
		return podEnd{delay: 300 * time.Millisecond, results: map[string]string{"n": task}}
	})
	restarted := make(chan error, 1)
	var once atomic.Bool
	var down, up time.Time
	r.drv.mu.Lock()
	r.drv.onFinish = func(task string, _ time.Time) {
		if task == "t1" && once.CompareAndSwap(false, true) {
			go func() {
				down = time.Now()
				err := cluster.RestartAPIServer(r.ctx)
				up = time.Now()
				restarted <- err
			}()
		}
	}
	r.drv.mu.Unlock()
	r.coordinate()
	if err := <-restarted; errors.Is(err, k8stest.ErrExternal) {
		t.Skip(err)
	} else if err != nil {
		t.Fatal(err)
	}
	last := r.describe()["t5"].Started
	t.Logf("kube-apiserver down at %s, up at %s; t5 started at %s; the recorder listed again %d times",
		down.Format("15:04:05.000"), up.Format("15:04:05.000"), last.Local().Format("15:04:05.000"), r.rec.relist)
	if !down.Before(last) {
		t.Errorf("the API server restarted after the run's last task had started")
	}
	order := r.check(map[string]string{
		"t0": "Succeeded Succeeded", "t1": "Succeeded Succeeded", "t2": "Succeeded Succeeded",
		"t3": "Succeeded Succeeded", "t4": "Succeeded Succeeded", "t5": "Succeeded Succeeded",
	})
	wantOrder(t, order, "t0", "t1", "t2", "t3", "t4", "t5")
	vals := r.values()
	for i := range 6 {
		if k := plan.ResultKey(fmt.Sprint("t", i), "n"); vals[k] != fmt.Sprint("t", i) {
			t.Errorf("%s = %q", k, vals[k])
		}
	}
	r.wantRun(RunSucceeded, "Succeeded")
	t.Logf("values: %v", slices.Sorted(maps.Keys(vals)))
}
