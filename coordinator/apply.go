package coordinator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// writeParallelism bounds the patches in flight at once: a wide fan-out
// starts its tasks together, and the client's rate limiter paces them.
const writeParallelism = 32

// errConflict marks a write refused because the Job changed after the
// coordinator read it; the next decision, on the newer Job, settles it.
var errConflict = errors.New("a Job changed since it was read")

// apply carries out a decision in its order: the results ConfigMap, then
// the Jobs (in parallel), then the run's record. A step that fails stops
// the rest; the next reconcile decides again from what the cluster then
// says.
func (c *Coordinator) apply(ctx context.Context, in *input, d *decision) error {
	if len(d.values) > 0 {
		patch, err := json.Marshal(map[string]any{"data": d.values})
		if err != nil {
			return fmt.Errorf("coordinator: results: %w", err)
		}
		n := c.before()
		cm, err := c.client.patchConfigMap(ctx, c.plan.ResultsConfigMap, patch)
		c.after(n)
		if err != nil {
			return fmt.Errorf("writing %d values to ConfigMap %s: %w", len(d.values), c.plan.ResultsConfigMap, err)
		}
		c.view.wrote("configmaps", cm)
	}
	if err := c.applyJobs(ctx, d.jobs); err != nil {
		return err
	}
	if d.run == nil {
		return nil
	}
	ann, err := d.run.annotations()
	if err != nil {
		return fmt.Errorf("coordinator: run record: %w", err)
	}
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{"annotations": ann}})
	if err != nil {
		return fmt.Errorf("coordinator: run record: %w", err)
	}
	n := c.before()
	job, err := c.client.patchJob(ctx, c.plan.CoordinatorJob, patch)
	c.after(n)
	if err != nil {
		return fmt.Errorf("recording the run's end on Job %s: %w", c.plan.CoordinatorJob, err)
	}
	c.view.wrote("jobs", job)
	c.logf("run %s: %s (%s) %s", c.opts.Run, d.run.State, d.run.Reason, d.run.Message)
	return nil
}

// applyJobs patches the Jobs of a decision, in parallel.
func (c *Coordinator) applyJobs(ctx context.Context, writes []jobWrite) error {
	jobs := map[string]string{} // task name → Job name
	for _, t := range allTasks(c.plan) {
		jobs[t.Name] = t.Job
	}
	var (
		wg        sync.WaitGroup
		sem       = make(chan struct{}, writeParallelism)
		mu        sync.Mutex
		firstErr  error
		conflicts int
	)
	for _, w := range writes {
		name := jobs[w.task]
		job := c.view.job(name)
		if job == nil {
			continue
		}
		patch, err := jobPatch(w, job.ResourceVersion)
		if err != nil {
			return fmt.Errorf("coordinator: task %s: %w", w.task, err)
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			n := c.before()
			out, err := c.client.patchJob(ctx, name, patch)
			c.after(n)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				c.view.wrote("jobs", out)
				c.logWrite(w)
			case apierrors.IsConflict(err):
				conflicts++
			case firstErr == nil:
				firstErr = fmt.Errorf("task %s: %s Job %s: %w", w.task, w.kind, name, err)
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	if conflicts > 0 {
		return fmt.Errorf("%d Job patches: %w", conflicts, errConflict)
	}
	return nil
}

// jobPatch is the merge patch of one Job write. Writes that act on the
// Job's suspension carry the resourceVersion the decision saw, so that the
// API server refuses them if the Job has changed since: a coordinator whose
// view is stale (just restarted, or one of two) cannot start a Job twice or
// skip one that has started.
func jobPatch(w jobWrite, resourceVersion string) ([]byte, error) {
	meta := map[string]any{"annotations": w.rec.annotations()}
	if w.kind.guarded() {
		meta["resourceVersion"] = resourceVersion
	}
	patch := map[string]any{"metadata": meta}
	switch w.kind {
	case writeStart:
		patch["spec"] = map[string]any{"suspend": false}
	case writeStop:
		patch["spec"] = map[string]any{"suspend": true}
	}
	return json.Marshal(patch)
}

func (c *Coordinator) logWrite(w jobWrite) {
	switch w.kind {
	case writeStart:
		c.logf("task %s: started", w.task)
	default:
		msg := ""
		if w.rec.Message != "" {
			msg = ": " + w.rec.Message
		}
		c.logf("task %s: %s (%s)%s", w.task, w.rec.State, w.rec.Reason, msg)
	}
}

// writeSeq numbers writes for the test hook.
type writeSeq struct{ n atomic.Int64 }

func (c *Coordinator) before() int64 {
	n := c.seq.n.Add(1)
	if c.hook != nil {
		c.hook("before", n)
	}
	return n
}

func (c *Coordinator) after(n int64) {
	if c.hook != nil {
		c.hook("after", n)
	}
}
