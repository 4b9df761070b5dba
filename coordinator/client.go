package coordinator

import (
	"context"
	"fmt"
	"sync/atomic"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/rest"
)

// Client rates. A run's Jobs start in bursts (a fan-out of 200 tasks is
// 200 patches at once), and client-go's default of 5 requests a second
// would turn that into 40 seconds; the API server's own priority and
// fairness protects it from a burst of this size.
const (
	clientQPS   = 200
	clientBurst = 400
)

// client talks to the API server about the resources the coordinator
// needs (Jobs, Pods, ConfigMaps) and nothing else. It uses REST clients
// over a scheme of its own instead of client-go's typed clientset, whose
// package initialisation registers every API group: that would cost every
// `pipec step` (the same binary) several milliseconds at start-up.
type client struct {
	core  rest.Interface
	batch rest.Interface
	ns    string
	// writes counts write requests (PATCH), conflicts those the API server
	// refused because the object had changed.
	writes, conflicts atomic.Int64
}

// newClient makes a client for namespace ns from a REST configuration.
func newClient(config *rest.Config, ns string) (*client, error) {
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{corev1.AddToScheme, batchv1.AddToScheme} {
		if err := add(scheme); err != nil {
			return nil, fmt.Errorf("coordinator: scheme: %w", err)
		}
	}
	codecs := serializer.NewCodecFactory(scheme)
	mk := func(gv schema.GroupVersion, apiPath string) (rest.Interface, error) {
		c := rest.CopyConfig(config)
		c.GroupVersion = &gv
		c.APIPath = apiPath
		c.NegotiatedSerializer = codecs.WithoutConversion()
		// Protobuf decodes lists and watch events of pods several times
		// faster than JSON.
		c.AcceptContentTypes = "application/vnd.kubernetes.protobuf,application/json"
		c.ContentType = "application/json"
		if c.QPS == 0 {
			c.QPS, c.Burst = clientQPS, clientBurst
		}
		if c.UserAgent == "" {
			c.UserAgent = "pipec-coordinate"
		}
		return rest.RESTClientFor(c)
	}
	core, err := mk(corev1.SchemeGroupVersion, "/api")
	if err != nil {
		return nil, fmt.Errorf("coordinator: client: %w", err)
	}
	batch, err := mk(batchv1.SchemeGroupVersion, "/apis")
	if err != nil {
		return nil, fmt.Errorf("coordinator: client: %w", err)
	}
	return &client{core: core, batch: batch, ns: ns}, nil
}

// patchJob merge-patches a Job and returns the Job the API server wrote.
func (c *client) patchJob(ctx context.Context, name string, patch []byte) (*batchv1.Job, error) {
	c.writes.Add(1)
	out := &batchv1.Job{}
	err := c.batch.Patch(types.MergePatchType).Namespace(c.ns).Resource("jobs").Name(name).
		Body(patch).Do(ctx).Into(out)
	if err != nil {
		c.countConflict(err)
		return nil, err
	}
	return out, nil
}

// patchConfigMap merge-patches a ConfigMap.
func (c *client) patchConfigMap(ctx context.Context, name string, patch []byte) (*corev1.ConfigMap, error) {
	c.writes.Add(1)
	out := &corev1.ConfigMap{}
	err := c.core.Patch(types.MergePatchType).Namespace(c.ns).Resource("configmaps").Name(name).
		Body(patch).Do(ctx).Into(out)
	if err != nil {
		c.countConflict(err)
		return nil, err
	}
	return out, nil
}

func (c *client) countConflict(err error) {
	if apierrors.IsConflict(err) {
		c.conflicts.Add(1)
	}
}
