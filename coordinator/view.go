package coordinator

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/cache"

	"github.com/pipec-dev/pipec/plan"
)

// byJob indexes pods by the Job that owns them.
const byJob = "job"

// view is the coordinator's picture of one run: informers over the run's
// Jobs and Pods (those labelled pipec.dev/run=RUN) and over its plan and
// results ConfigMaps (by name: the coordinator's Role may read only those
// two, and RBAC allows a list or watch by name through a metadata.name
// field selector), and the
// objects the coordinator's own writes returned, which it reads until the
// informers have caught up with them. Without those, a reconcile that
// follows a write would act on the state before it: it would conflict on
// its own patch, or not see a result it has just written.
type view struct {
	client     *client
	ns         string
	jobs, pods cache.SharedIndexInformer

	cmMu       sync.Mutex
	configMaps map[string]cache.SharedIndexInformer // by name

	mu      sync.Mutex
	written map[string]metav1.Object // by "jobs/NAME" or "configmaps/NAME"

	// changed is signalled (without blocking) on every informer event.
	changed chan struct{}
}

func newView(c *client, run string) (*view, error) {
	v := &view{client: c, ns: c.ns, written: map[string]metav1.Object{}, changed: make(chan struct{}, 1),
		configMaps: map[string]cache.SharedIndexInformer{}}
	sel := labels.Set{plan.LabelRun: plan.LabelValue(run)}.String()
	byLabel := func(o *metav1.ListOptions) { o.LabelSelector = sel }
	var err error
	if v.jobs, err = v.informer(c.batch, "jobs", &batchv1.Job{}, byLabel, cache.Indexers{}); err != nil {
		return nil, err
	}
	if v.pods, err = v.informer(c.core, "pods", &corev1.Pod{}, byLabel, cache.Indexers{byJob: podJob}); err != nil {
		return nil, err
	}
	return v, nil
}

// informer makes an informer whose events signal changed.
func (v *view) informer(rc cache.Getter, resource string, obj runtime.Object, opts func(*metav1.ListOptions), idx cache.Indexers) (cache.SharedIndexInformer, error) {
	inf := cache.NewSharedIndexInformer(cache.NewFilteredListWatchFromClient(rc, resource, v.ns, opts), obj, 0, idx)
	if err := inf.SetTransform(trim); err != nil {
		return nil, fmt.Errorf("coordinator: %s informer: %w", resource, err)
	}
	if _, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(any) { v.signal() },
		UpdateFunc: func(any, any) { v.signal() },
		DeleteFunc: func(any) { v.signal() },
	}); err != nil {
		return nil, fmt.Errorf("coordinator: %s informer: %w", resource, err)
	}
	return inf, nil
}

// watchConfigMap starts an informer over the ConfigMap name until ctx
// ends, and waits for its first list.
func (v *view) watchConfigMap(ctx context.Context, name string) error {
	v.cmMu.Lock()
	inf, ok := v.configMaps[name]
	if !ok {
		var err error
		inf, err = v.informer(v.client.core, "configmaps", &corev1.ConfigMap{}, func(o *metav1.ListOptions) {
			o.FieldSelector = fields.OneTermEqualSelector("metadata.name", name).String()
		}, cache.Indexers{})
		if err != nil {
			v.cmMu.Unlock()
			return err
		}
		v.configMaps[name] = inf
		go inf.RunWithContext(ctx)
	}
	v.cmMu.Unlock()
	if !cache.WaitForCacheSync(ctx.Done(), inf.HasSynced) {
		return fmt.Errorf("coordinator: waiting for the first list of ConfigMap %s: %w", name, context.Cause(ctx))
	}
	return nil
}

func (v *view) signal() {
	select {
	case v.changed <- struct{}{}:
	default:
	}
}

// start runs the informers until ctx ends and waits for their first lists.
func (v *view) start(ctx context.Context) error {
	for _, inf := range []cache.SharedIndexInformer{v.jobs, v.pods} {
		go inf.RunWithContext(ctx)
	}
	if !cache.WaitForCacheSync(ctx.Done(), v.jobs.HasSynced, v.pods.HasSynced) {
		return fmt.Errorf("coordinator: waiting for the first lists: %w", context.Cause(ctx))
	}
	return nil
}

// podJob is the indexer of pods by their Job's name.
func podJob(obj any) ([]string, error) {
	p, ok := obj.(*corev1.Pod)
	if !ok {
		return nil, nil
	}
	if name := p.Labels[batchv1.JobNameLabel]; name != "" {
		return []string{name}, nil
	}
	return nil, nil
}

// trim drops what the coordinator never reads before an object enters a
// cache: managed fields everywhere, a Job's pod template, and all of a
// pod's spec but its containers' names. A run of hundreds of tasks then
// costs little memory.
func trim(obj any) (any, error) {
	switch o := obj.(type) {
	case *batchv1.Job:
		o.ManagedFields = nil
		o.Spec.Template = corev1.PodTemplateSpec{}
	case *corev1.Pod:
		o.ManagedFields = nil
		cs := make([]corev1.Container, len(o.Spec.Containers))
		for i, c := range o.Spec.Containers {
			cs[i] = corev1.Container{Name: c.Name}
		}
		o.Spec = corev1.PodSpec{Containers: cs}
		o.Status.Conditions = nil
	case *corev1.ConfigMap:
		o.ManagedFields = nil
	}
	return obj, nil
}

// wrote keeps an object a write returned.
func (v *view) wrote(kind string, obj metav1.Object) {
	v.mu.Lock()
	v.written[kind+"/"+obj.GetName()] = obj
	v.mu.Unlock()
}

// latest returns the newer of the cached object and the one our last write
// returned, and forgets the latter once the cache has it.
func (v *view) latest(kind, name string, cached metav1.Object) metav1.Object {
	v.mu.Lock()
	defer v.mu.Unlock()
	key := kind + "/" + name
	w, ok := v.written[key]
	if !ok {
		return cached
	}
	if cached == nil {
		return w
	}
	if !olderVersion(cached.GetResourceVersion(), w.GetResourceVersion()) {
		delete(v.written, key)
		return cached
	}
	return w
}

// olderVersion reports whether resourceVersion a is older than b. The API
// calls them opaque, but etcd's are increasing integers; when they do not
// parse, the cache is taken as current.
func olderVersion(a, b string) bool {
	x, err1 := strconv.ParseUint(a, 10, 64)
	y, err2 := strconv.ParseUint(b, 10, 64)
	return err1 == nil && err2 == nil && x < y
}

func (v *view) get(inf cache.SharedIndexInformer, name string) metav1.Object {
	obj, ok, err := inf.GetStore().GetByKey(v.ns + "/" + name)
	if err != nil || !ok {
		return nil
	}
	m, _ := obj.(metav1.Object)
	return m
}

// job returns the Job name, or nil.
func (v *view) job(name string) *batchv1.Job {
	var cached metav1.Object
	if o := v.get(v.jobs, name); o != nil {
		cached = o
	}
	j, _ := v.latest("jobs", name, cached).(*batchv1.Job)
	return j
}

// configMap returns the ConfigMap name, or nil; watchConfigMap must have
// been called for it.
func (v *view) configMap(name string) *corev1.ConfigMap {
	v.cmMu.Lock()
	inf := v.configMaps[name]
	v.cmMu.Unlock()
	var cached metav1.Object
	if inf != nil {
		cached = v.get(inf, name)
	}
	cm, _ := v.latest("configmaps", name, cached).(*corev1.ConfigMap)
	return cm
}

// podsOf returns the pods of the Job name. They are the cache's objects:
// read, never change.
func (v *view) podsOf(name string) []*corev1.Pod {
	objs, err := v.pods.GetIndexer().ByIndex(byJob, name)
	if err != nil {
		return nil
	}
	pods := make([]*corev1.Pod, 0, len(objs))
	for _, o := range objs {
		if p, ok := o.(*corev1.Pod); ok {
			pods = append(pods, p)
		}
	}
	return pods
}
