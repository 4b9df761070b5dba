package coordinator

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"k8s.io/client-go/rest"

	"github.com/pipec-dev/pipec/plan"
)

// Options configure a Coordinator.
type Options struct {
	// Config reaches the API server: in the cluster, the pod's service
	// account; outside, a kubeconfig's context.
	Config *rest.Config
	// Namespace holds the run's objects.
	Namespace string
	// Run is the run's name, as in its objects' pipec.dev/run label.
	Run string
	// PlanConfigMap names the ConfigMap holding the plan; "" for the
	// compiler's name for it, RUN-plan.
	PlanConfigMap string
	// Logf, when set, receives one line per thing the coordinator does.
	Logf func(format string, args ...any)
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Stats count what a coordinator did.
type Stats struct {
	// Writes counts write requests to the API server, Conflicts those it
	// refused because the object had changed since it was read.
	Writes, Conflicts int64
	// Reconciles counts decisions made.
	Reconciles int64
}

// Coordinator runs one run's plan to its end.
type Coordinator struct {
	opts   Options
	client *client
	view   *view

	plan  *plan.Plan
	order []*plan.Task

	reconciles atomic.Int64
	seq        writeSeq
	logged     map[string]bool // "waiting" lines already logged

	// hook, when set (by tests), is called before and after every write,
	// with the write's sequence number.
	hook func(stage string, n int64)
}

// New prepares a coordinator; Run starts it.
func New(opts Options) (*Coordinator, error) {
	if opts.Config == nil || opts.Namespace == "" || opts.Run == "" {
		return nil, errors.New("coordinator: a REST config, a namespace and a run are required")
	}
	if opts.PlanConfigMap == "" {
		opts.PlanConfigMap = plan.PlanConfigMap(opts.Run)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	c, err := newClient(opts.Config, opts.Namespace)
	if err != nil {
		return nil, err
	}
	v, err := newView(c, opts.Run)
	if err != nil {
		return nil, err
	}
	return &Coordinator{opts: opts, client: c, view: v, logged: map[string]bool{}}, nil
}

// Stats returns what the coordinator has done so far.
func (c *Coordinator) Stats() Stats {
	return Stats{Writes: c.client.writes.Load(), Conflicts: c.client.conflicts.Load(), Reconciles: c.reconciles.Load()}
}

func (c *Coordinator) logf(format string, args ...any) {
	if c.opts.Logf != nil {
		c.opts.Logf(format, args...)
	}
}

// Backoff after a failed write: the API server may be restarting.
const (
	minBackoff = 50 * time.Millisecond
	maxBackoff = 5 * time.Second
	// conflictRetry is how soon to decide again after a conflict when no
	// event arrives first; the informer normally delivers the newer
	// object within milliseconds.
	conflictRetry = time.Second
)

// Run coordinates the run until it has finished and returns its record:
// the run succeeded when its State is Succeeded. It returns an error only
// when ctx ends first or the plan cannot be read; API errors are retried.
// Run may be called on a fresh Coordinator at any time, any number of
// times, concurrently with another coordinator of the same run: all it
// knows, it reads from the cluster.
func (c *Coordinator) Run(ctx context.Context) (RunRecord, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if err := c.view.start(ctx); err != nil {
		return RunRecord{}, err
	}
	if err := c.loadPlan(ctx); err != nil {
		return RunRecord{}, err
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	backoff := time.Duration(0)
	for {
		select {
		case <-ctx.Done():
			return RunRecord{}, fmt.Errorf("coordinator: run %s: %w", c.opts.Run, context.Cause(ctx))
		case <-c.view.changed:
		case <-timer.C:
		}
		in, ok := c.snapshot()
		if !ok {
			continue
		}
		c.reconciles.Add(1)
		d := decide(in)
		c.logWaiting(d)
		err := c.apply(ctx, in, d)
		switch {
		case err == nil:
			backoff = 0
		case ctx.Err() != nil:
			continue
		case errors.Is(err, errConflict):
			c.logf("%v; deciding again", err)
			timer.Reset(conflictRetry)
			continue
		default:
			backoff = min(max(2*backoff, minBackoff), maxBackoff)
			c.logf("%v; retrying in %v", err, backoff)
			timer.Reset(backoff)
			continue
		}
		if d.done {
			if d.run != nil {
				return *d.run, nil
			}
			return in.run, nil
		}
		if !d.wake.IsZero() {
			timer.Reset(max(d.wake.Sub(c.opts.Now()), 0))
		}
	}
}

// loadPlan waits for the plan ConfigMap, reads it, and starts watching the
// results ConfigMap it names.
func (c *Coordinator) loadPlan(ctx context.Context) error {
	if err := c.view.watchConfigMap(ctx, c.opts.PlanConfigMap); err != nil {
		return err
	}
	for {
		if cm := c.view.configMap(c.opts.PlanConfigMap); cm != nil {
			p, err := plan.Parse([]byte(cm.Data[plan.PlanKey]))
			if err != nil {
				return fmt.Errorf("coordinator: ConfigMap %s: %w", c.opts.PlanConfigMap, err)
			}
			order, err := topoOrder(p)
			if err != nil {
				return fmt.Errorf("coordinator: ConfigMap %s: plan: %w", c.opts.PlanConfigMap, err)
			}
			c.plan, c.order = p, order
			return c.view.watchConfigMap(ctx, p.ResultsConfigMap)
		}
		c.logOnce("plan", "waiting for ConfigMap %s (label %s=%s)", c.opts.PlanConfigMap, plan.LabelRun, plan.LabelValue(c.opts.Run))
		select {
		case <-ctx.Done():
			return fmt.Errorf("coordinator: waiting for ConfigMap %s: %w", c.opts.PlanConfigMap, context.Cause(ctx))
		case <-c.view.changed:
		}
	}
}

// snapshot gathers the input of a decision from the view. It reports false
// while the coordinator Job, which anchors the run, does not exist.
func (c *Coordinator) snapshot() (*input, bool) {
	p := c.plan
	coord := c.view.job(p.CoordinatorJob)
	if coord == nil {
		c.logOnce("coordinator", "waiting for Job %s", p.CoordinatorJob)
		return nil, false
	}
	in := &input{
		plan:  p,
		order: c.order,
		tasks: map[string]*taskState{},
		now:   c.opts.Now(),
		start: coord.CreationTimestamp.Time,
		run:   ReadRunRecord(coord.Annotations),
		uid:   string(coord.UID),
	}
	cancel := coord.Annotations[AnnotationCancel]
	planCM := c.view.configMap(c.opts.PlanConfigMap)
	if planCM != nil && cancel == "" {
		cancel = planCM.Annotations[AnnotationCancel]
	}
	in.cancel = cancelMode(cancel)
	if cm := c.view.configMap(p.ResultsConfigMap); cm != nil {
		in.values = cm.Data
	}
	for _, t := range allTasks(p) {
		st := observeTask(t, c.view.job(t.Job), c.view.podsOf(t.Job))
		in.tasks[t.Name] = &st
	}
	return in, true
}

// cancelMode reads the cancel annotation: "" for none, else one of
// Tekton's modes, CancelledRunFinally for a value it does not know.
func cancelMode(v string) string {
	switch v {
	case "":
		return ""
	case StopRunFinally, CancelWithFinally:
		return v
	}
	return CancelRunFinally
}

func (c *Coordinator) logOnce(key, format string, args ...any) {
	if !c.logged[key] {
		c.logged[key] = true
		c.logf(format, args...)
	}
}

func (c *Coordinator) logWaiting(d *decision) {
	for _, job := range d.waiting {
		c.logOnce("job "+job, "waiting for Job %s", job)
	}
}
