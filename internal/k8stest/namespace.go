package k8stest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// namespaceTimeout bounds NewNamespace's wait for the default
// ServiceAccount, which the serviceaccount controller makes within
// milliseconds.
const namespaceTimeout = 60 * time.Second

// NewNamespace creates a namespace named after the test (plus a random
// suffix), waits for its default ServiceAccount (pods cannot be created
// before it exists) and deletes the namespace at t's cleanup, without
// waiting for the deletion to finish.
func (c *Cluster) NewNamespace(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), namespaceTimeout)
	defer cancel()
	ns, err := c.client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{
		ObjectMeta: metav1.ObjectMeta{
			GenerateName: namespacePrefix(t.Name()),
			Labels:       map[string]string{"pipec.dev/k8stest": "true"},
		},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("k8stest: create namespace: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := c.client.CoreV1().Namespaces().Delete(ctx, ns.Name, metav1.DeleteOptions{}); err != nil {
			t.Logf("k8stest: delete namespace %s: %v", ns.Name, err)
		}
	})
	err = poll(ctx, 50*time.Millisecond, func() (bool, error) {
		_, err := c.client.CoreV1().ServiceAccounts(ns.Name).Get(ctx, "default", getOpts)
		return err == nil, nil
	})
	if err != nil {
		t.Fatalf("k8stest: namespace %s: no default ServiceAccount: %v", ns.Name, err)
	}
	return ns.Name
}

// namespacePrefix turns a test name into a namespace name prefix: lower
// case, [a-z0-9-] only, short enough for GenerateName's suffix.
func namespacePrefix(test string) string {
	var b strings.Builder
	dash := true // no leading dash
	for _, r := range strings.ToLower(test) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case !dash:
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.TrimRight(b.String(), "-")
	if len(s) > 40 {
		s = strings.TrimRight(s[:40], "-")
	}
	if s == "" {
		s = "k8stest"
	}
	return s + "-"
}

// WaitForJobCondition waits until the Job ns/name has condition cond
// (Complete, Failed, Suspended…) with status True and returns the Job. It
// fails early when the Job reaches the other terminal condition: waiting for
// Complete on a Failed Job returns the failure's reason and message.
func (c *Cluster) WaitForJobCondition(ctx context.Context, ns, name string, cond batchv1.JobConditionType) (*batchv1.Job, error) {
	var job *batchv1.Job
	var lastErr error
	err := poll(ctx, 100*time.Millisecond, func() (bool, error) {
		j, err := c.client.BatchV1().Jobs(ns).Get(ctx, name, getOpts)
		if err != nil {
			lastErr = err // the API server may be restarting
			return false, nil
		}
		job = j
		for _, jc := range j.Status.Conditions {
			if jc.Status != corev1.ConditionTrue {
				continue
			}
			if jc.Type == cond {
				return true, nil
			}
			if isTerminalJobCondition(cond) && isTerminalJobCondition(jc.Type) {
				return false, fmt.Errorf("job is %s (%s: %s)", jc.Type, jc.Reason, jc.Message)
			}
		}
		return false, nil
	})
	if err != nil {
		msg := fmt.Sprintf("k8stest: job %s/%s: waiting for %s: %v", ns, name, cond, err)
		if job != nil {
			msg += fmt.Sprintf(" (active=%d succeeded=%d failed=%d)", job.Status.Active, job.Status.Succeeded, job.Status.Failed)
		}
		if lastErr != nil {
			msg += fmt.Sprintf(" (last API error: %v)", lastErr)
		}
		return job, fmt.Errorf("%s", msg)
	}
	return job, nil
}

func isTerminalJobCondition(t batchv1.JobConditionType) bool {
	return t == batchv1.JobComplete || t == batchv1.JobFailed
}

// poll calls done every interval until it reports true or an error, or ctx
// ends.
func poll(ctx context.Context, interval time.Duration, done func() (bool, error)) error {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		ok, err := done()
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return context.Cause(ctx)
		case <-tick.C:
		}
	}
}
