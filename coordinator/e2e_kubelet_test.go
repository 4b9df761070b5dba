//go:build e2e

package coordinator

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"

	"github.com/pipec-dev/pipec/internal/k8stest"
	"github.com/pipec-dev/pipec/plan"
)

// podEnd is how the fake kubelet ends one attempt of a task.
type podEnd struct {
	fail    bool // exit 1, with errText as the wrapper's error
	errText string
	results map[string]string
	// hang starts the pod and leaves it running.
	hang bool
	// deadline ends the pod as the kubelet does when its
	// activeDeadlineSeconds pass.
	deadline bool
	delay    time.Duration
}

// behaviour says how each attempt of each task ends: the task's name, the
// matrix combination (0 without one) and the attempt (0 for the first).
type behaviour func(task string, index, attempt int) podEnd

// succeed is the behaviour of a run where every pod succeeds with results
// (by task name).
func succeed(results map[string]map[string]string) behaviour {
	return func(task string, _, _ int) podEnd { return podEnd{results: results[task]} }
}

// driver is the fake kubelet of a scenario: it watches the namespace's
// pods and ends each new one as the behaviour says. Before it "starts" a
// pod it resolves the pod's configMapKeyRef variables, as the kubelet
// does, and reports a pod whose value is missing (the real kubelet would
// refuse to start it).
type driver struct {
	t       testing.TB
	client  kubernetes.Interface
	kubelet *k8stest.Kubelet
	ns      string
	behave  behaviour

	mu         sync.Mutex
	handled    map[string]bool     // pod UIDs
	pods       map[string][]string // task → pod names, in the order seen
	violations []string
	// finished records, per pod name, when the fake kubelet's write that
	// ended it returned (for latency figures).
	finished map[string]time.Time
	onFinish func(task string, at time.Time)
	// seen, when set, records when each task's (last) pod was first seen.
	seen map[string]time.Time
}

func newDriver(t testing.TB, ns string, behave behaviour) *driver {
	client := cluster.Client()
	return &driver{
		t: t, client: client, kubelet: &k8stest.Kubelet{Client: client}, ns: ns, behave: behave,
		handled: map[string]bool{}, pods: map[string][]string{}, finished: map[string]time.Time{},
	}
}

// run handles pods until ctx ends.
func (d *driver) run(ctx context.Context) {
	lw := cache.NewListWatchFromClient(d.client.CoreV1().RESTClient(), "pods", d.ns, fields.Everything())
	inf := cache.NewSharedIndexInformer(lw, &corev1.Pod{}, 0, cache.Indexers{})
	handle := func(obj any) {
		if p, ok := obj.(*corev1.Pod); ok {
			d.consider(ctx, p)
		}
	}
	_, _ = inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    handle,
		UpdateFunc: func(_, obj any) { handle(obj) },
	})
	inf.RunWithContext(ctx)
}

func (d *driver) consider(ctx context.Context, p *corev1.Pod) {
	if p.DeletionTimestamp != nil || (p.Status.Phase != "" && p.Status.Phase != corev1.PodPending) {
		return
	}
	task := p.Labels[plan.LabelTask]
	if task == "" {
		return
	}
	d.mu.Lock()
	if d.handled[string(p.UID)] {
		d.mu.Unlock()
		return
	}
	d.handled[string(p.UID)] = true
	d.pods[task] = append(d.pods[task], p.Name)
	if d.seen != nil {
		d.seen[task] = time.Now()
	}
	d.mu.Unlock()
	go d.end(ctx, task, p.DeepCopy())
}

// end plays the kubelet for one pod.
func (d *driver) end(ctx context.Context, task string, p *corev1.Pod) {
	index, _ := strconv.Atoi(p.Annotations[batchv1.JobCompletionIndexAnnotation])
	attempt, _ := strconv.Atoi(p.Annotations["batch.kubernetes.io/job-index-failure-count"])
	d.checkEnv(ctx, task, p)
	e := d.behave(task, index, attempt)
	if e.delay > 0 {
		select {
		case <-time.After(e.delay):
		case <-ctx.Done():
			return
		}
	}
	var err error
	// The API server may be restarting: a kubelet retries its status
	// updates until they land.
	for try := 0; ; try++ {
		err = d.finish(ctx, p, e)
		if err == nil || ctx.Err() != nil || try == 100 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	at := time.Now()
	if err != nil {
		if ctx.Err() == nil {
			d.t.Errorf("fake kubelet: task %s pod %s: %v", task, p.Name, err)
		}
		return
	}
	d.mu.Lock()
	d.finished[p.Name] = at
	f := d.onFinish
	d.mu.Unlock()
	if f != nil && !e.hang {
		f(task, at)
	}
}

// finish writes a pod's end as a kubelet would; a pod already past the
// state to write is left as it is.
func (d *driver) finish(ctx context.Context, p *corev1.Pod, e podEnd) error {
	cur, err := d.client.CoreV1().Pods(d.ns).Get(ctx, p.Name, metav1.GetOptions{})
	if err != nil {
		return err
	}
	if cur.Status.Phase == corev1.PodSucceeded || cur.Status.Phase == corev1.PodFailed || cur.DeletionTimestamp != nil {
		return nil
	}
	switch {
	case e.hang:
		if cur.Status.Phase != corev1.PodRunning {
			_, err = d.kubelet.StartPod(ctx, cur)
		}
	case e.deadline:
		if cur.Status.Phase != corev1.PodRunning {
			if cur, err = d.kubelet.StartPod(ctx, cur); err != nil {
				return err
			}
		}
		cur.Status.Reason = "DeadlineExceeded"
		cur.Status.Message = "Pod was active on the node longer than the specified deadline"
		if cur, err = d.client.CoreV1().Pods(d.ns).UpdateStatus(ctx, cur, metav1.UpdateOptions{}); err == nil {
			_, err = d.kubelet.FinishPod(ctx, cur, 137, "")
		}
	case e.fail:
		_, err = d.kubelet.FinishPod(ctx, cur, 1, message(e.results, e.errText))
	default:
		_, err = d.kubelet.FinishPod(ctx, cur, 0, message(e.results, ""))
	}
	return err
}

// message is the termination message `pipec step` writes.
func message(results map[string]string, errText string) string {
	m := map[string]any{"results": results}
	if results == nil {
		m["results"] = map[string]string{}
	}
	if errText != "" {
		m["error"] = errText
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// checkEnv resolves the pod's values from ConfigMaps as the kubelet does
// when it starts the containers.
func (d *driver) checkEnv(ctx context.Context, task string, p *corev1.Pod) {
	for _, c := range slices.Concat(p.Spec.InitContainers, p.Spec.Containers) {
		for _, e := range c.Env {
			ref := e.ValueFrom
			if ref == nil || ref.ConfigMapKeyRef == nil {
				continue
			}
			name, key := ref.ConfigMapKeyRef.Name, ref.ConfigMapKeyRef.Key
			var cm *corev1.ConfigMap
			var err error
			for range 50 { // the API server may be restarting
				if cm, err = d.client.CoreV1().ConfigMaps(d.ns).Get(ctx, name, metav1.GetOptions{}); err == nil || ctx.Err() != nil {
					break
				}
				time.Sleep(100 * time.Millisecond)
			}
			if err != nil {
				d.violation("task %s pod %s: ConfigMap %s: %v", task, p.Name, name, err)
				continue
			}
			if _, ok := cm.Data[key]; !ok {
				d.violation("task %s pod %s started before %s was written", task, p.Name, key)
			}
		}
	}
}

func (d *driver) violation(format string, args ...any) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.violations = append(d.violations, fmt.Sprintf(format, args...))
}

// attempts returns how many pods each task had.
func (d *driver) attempts(task string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.pods[task])
}

// transition is one change of a Job's spec.suspend, as a watch saw it.
type transition struct {
	job     string
	suspend bool
	rv      string
	at      time.Time
}

// recorder watches a namespace's Jobs from before a run's objects exist
// and records every change of spec.suspend, in the API server's order.
// When its watch breaks it resumes from the last version it saw; when that
// version is gone (a restarted API server answers 410), it lists again and
// records the changes the list shows, then watches from there.
type recorder struct {
	mu     sync.Mutex
	state  map[string]bool // job → suspended
	events []transition
	gens   map[string]int64 // job → the highest metadata.generation seen
	notify func(transition)
	relist int
	keys   map[string]keySeen // "configmap/key" → when it appeared
}

func startRecorder(ctx context.Context, t testing.TB, ns string) *recorder {
	t.Helper()
	client := cluster.Client()
	r := &recorder{state: map[string]bool{}, gens: map[string]int64{}, keys: map[string]keySeen{}}
	jobs := client.BatchV1().Jobs(ns)
	follow(ctx, t, r, func(ctx context.Context) (string, error) {
		l, err := jobs.List(ctx, metav1.ListOptions{})
		if err != nil {
			return "", err
		}
		for i := range l.Items {
			r.see(&l.Items[i])
		}
		return l.ResourceVersion, nil
	}, func(ctx context.Context, rv string) (watch.Interface, error) {
		return jobs.Watch(ctx, metav1.ListOptions{ResourceVersion: rv, AllowWatchBookmarks: true})
	}, func(obj any) {
		if j, ok := obj.(*batchv1.Job); ok {
			r.see(j)
		}
	})
	cms := client.CoreV1().ConfigMaps(ns)
	follow(ctx, t, r, func(ctx context.Context) (string, error) {
		l, err := cms.List(ctx, metav1.ListOptions{})
		if err != nil {
			return "", err
		}
		for i := range l.Items {
			r.seeValues(&l.Items[i], false)
		}
		return l.ResourceVersion, nil
	}, func(ctx context.Context, rv string) (watch.Interface, error) {
		return cms.Watch(ctx, metav1.ListOptions{ResourceVersion: rv, AllowWatchBookmarks: true})
	}, func(obj any) {
		if cm, ok := obj.(*corev1.ConfigMap); ok {
			r.seeValues(cm, true)
		}
	})
	return r
}

// follow lists, then watches from the list's version, calling see for
// every object added or changed; when the watch breaks it resumes from the
// last version seen, and lists again when that version is gone.
func follow(ctx context.Context, t testing.TB, r *recorder, list func(context.Context) (string, error),
	watchFrom func(context.Context, string) (watch.Interface, error), see func(any)) {
	rv, err := list(ctx)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for ctx.Err() == nil {
			if rv == "" {
				r.mu.Lock()
				r.relist++
				r.mu.Unlock()
				if rv, err = list(ctx); err != nil {
					time.Sleep(100 * time.Millisecond)
					continue
				}
			}
			w, err := watchFrom(ctx, rv)
			if err != nil {
				if apierrors.IsResourceExpired(err) || apierrors.IsGone(err) {
					rv = ""
				}
				time.Sleep(100 * time.Millisecond)
				continue
			}
			for ev := range w.ResultChan() {
				if st, ok := ev.Object.(*metav1.Status); ok {
					if st.Code == http.StatusGone {
						rv = ""
					}
					continue
				}
				if m, ok := ev.Object.(metav1.Object); ok {
					rv = m.GetResourceVersion()
				}
				if ev.Type == watch.Added || ev.Type == watch.Modified {
					see(ev.Object)
				}
			}
			w.Stop()
		}
	}()
}

// keySeen is when a value first appeared in a ConfigMap: the resource
// version of the change that added it. exact is false for a key first seen
// in a list, whose version may be later than the change.
type keySeen struct {
	rv    uint64
	exact bool
}

func (r *recorder) seeValues(cm *corev1.ConfigMap, exact bool) {
	rv, err := strconv.ParseUint(cm.ResourceVersion, 10, 64)
	if err != nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for k := range cm.Data {
		key := cm.Name + "/" + k
		if _, ok := r.keys[key]; !ok {
			r.keys[key] = keySeen{rv: rv, exact: exact}
		}
	}
}

// valueBefore reports whether the value key of ConfigMap cm was written
// before the change at resource version rv, and whether that is known
// exactly. etcd numbers all changes in one sequence, so versions of
// different objects compare.
func (r *recorder) valueBefore(cm, key, rv string) (before, exact bool) {
	v, err := strconv.ParseUint(rv, 10, 64)
	if err != nil {
		return false, false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	ks, ok := r.keys[cm+"/"+key]
	if !ok {
		return false, true
	}
	return ks.rv < v, ks.exact
}

func (r *recorder) see(j *batchv1.Job) {
	s := j.Spec.Suspend != nil && *j.Spec.Suspend
	r.mu.Lock()
	if j.Generation > r.gens[j.Name] {
		r.gens[j.Name] = j.Generation
	}
	prev, known := r.state[j.Name]
	r.state[j.Name] = s
	var tr *transition
	if known && prev != s || !known && !s {
		tr = &transition{job: j.Name, suspend: s, rv: j.ResourceVersion, at: time.Now()}
		r.events = append(r.events, *tr)
	}
	f := r.notify
	r.mu.Unlock()
	if tr != nil && f != nil {
		f(*tr)
	}
}

// unsuspends returns the Jobs unsuspended, in order, once per unsuspend.
func (r *recorder) unsuspends() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, e := range r.events {
		if !e.suspend {
			out = append(out, e.job)
		}
	}
	return out
}

// generation is the highest generation seen of a Job: 1 when created, +1
// for each change of its spec. A Job created suspended and unsuspended once
// is at 2; one stopped after that at 3.
func (r *recorder) generation(job string) int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.gens[job]
}

// unsuspendVersion is the resource version of a Job's first unsuspend, or
// "" when it was not unsuspended.
func (r *recorder) unsuspendVersion(job string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range r.events {
		if e.job == job && !e.suspend {
			return e.rv
		}
	}
	return ""
}

// waitValue waits until the recorder has seen a value key (its watch is a
// stream of its own, which may lag the Jobs'), for at most 5 seconds.
func (r *recorder) waitValue(ctx context.Context, cm, key string) {
	for range 100 {
		r.mu.Lock()
		_, ok := r.keys[cm+"/"+key]
		r.mu.Unlock()
		if ok || ctx.Err() != nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}
