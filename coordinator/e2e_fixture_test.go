//go:build e2e

package coordinator

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/pipec-dev/pipec/internal/k8stest"
	"github.com/pipec-dev/pipec/plan"
)

// cluster is the control plane shared by this package's e2e tests.
var cluster *k8stest.Cluster

func TestMain(m *testing.M) {
	c, err := k8stest.Start(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	cluster = c
	fmt.Fprintln(os.Stderr, c)
	code := m.Run()
	c.Stop()
	os.Exit(code)
}

// deadline bounds one e2e scenario. It is a deadline, not a measure: the
// longest scenarios (a retry waits for the Job controller's 10 s back-off)
// take under half a minute.
const deadline = 3 * time.Minute

// fixture is a run's objects as the compiler makes them (docs/design.md),
// built from a plan: the plan and results ConfigMaps, one suspended
// Indexed Job per task and the coordinator Job. The coordinator Job is
// created suspended: the coordinator runs in the test process, with the
// same code path as in its pod.
type fixture struct {
	ns   string
	plan *plan.Plan
}

// newFixture completes a plan with the compiler's names for run.
func newFixture(ns, run string, p *plan.Plan) *fixture {
	p.APIVersion, p.Kind, p.Run = plan.APIVersion, "PipelineRun", run
	p.ResultsConfigMap = plan.ObjectName(run, "results")
	p.CoordinatorJob = plan.ObjectName(run, "coordinator")
	for _, ts := range [][]plan.Task{p.Tasks, p.Finally} {
		for i := range ts {
			ts[i].Job = plan.ObjectName(run, ts[i].Name)
		}
	}
	return &fixture{ns: ns, plan: p}
}

func (f *fixture) labels(task string) map[string]string {
	l := map[string]string{plan.LabelRun: plan.LabelValue(f.plan.Run), plan.LabelManagedBy: plan.ManagedBy}
	if task != "" {
		l[plan.LabelTask] = plan.LabelValue(task)
	}
	return l
}

// create makes the run's objects in the order `kubectl apply` would.
func (f *fixture) create(ctx context.Context, t testing.TB, client kubernetes.Interface) {
	t.Helper()
	data, err := f.plan.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	cms := client.CoreV1().ConfigMaps(f.ns)
	for _, cm := range []*corev1.ConfigMap{
		{ObjectMeta: f.meta(plan.PlanConfigMap(f.plan.Run), ""), Data: map[string]string{plan.PlanKey: string(data)}},
		{ObjectMeta: f.meta(f.plan.ResultsConfigMap, "")},
	} {
		if _, err := cms.Create(ctx, cm, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	jobs := client.BatchV1().Jobs(f.ns)
	for _, task := range allTasks(f.plan) {
		if _, err := jobs.Create(ctx, f.taskJob(task), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := jobs.Create(ctx, f.coordinatorJob(), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) meta(name, task string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Namespace: f.ns, Labels: f.labels(task)}
}

// taskJob is a task's Job as emit shapes it: suspended, Indexed (one
// completion per matrix combination), retries per index, a pod that
// fails as a whole, and one environment variable per needed value,
// filled from the results ConfigMap.
func (f *fixture) taskJob(task *plan.Task) *batchv1.Job {
	n := int32(max(task.Matrix, 1))
	retries := int32(task.Retries)
	indexed := batchv1.IndexedCompletion
	failed := batchv1.Failed
	var env []corev1.EnvVar
	for _, key := range task.Needs {
		env = append(env, corev1.EnvVar{Name: plan.EnvPrefix + key, ValueFrom: &corev1.EnvVarSource{
			ConfigMapKeyRef: &corev1.ConfigMapKeySelector{
				LocalObjectReference: corev1.LocalObjectReference{Name: f.plan.ResultsConfigMap},
				Key:                  key,
			},
		}})
	}
	pod := corev1.PodSpec{
		RestartPolicy:  corev1.RestartPolicyNever,
		InitContainers: []corev1.Container{{Name: "pipec-init", Image: "pipec:test"}},
		Containers:     []corev1.Container{{Name: "step-main", Image: "busybox", Env: env}},
	}
	if task.Timeout != nil {
		secs := int64(task.Timeout.Seconds())
		pod.ActiveDeadlineSeconds = &secs
	}
	return &batchv1.Job{
		ObjectMeta: f.meta(task.Job, task.Name),
		Spec: batchv1.JobSpec{
			Suspend:              ptrTo(true),
			CompletionMode:       &indexed,
			Completions:          &n,
			Parallelism:          &n,
			BackoffLimitPerIndex: &retries,
			PodReplacementPolicy: &failed,
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: f.labels(task.Name)},
				Spec:       pod,
			},
		},
	}
}

// coordinatorJob is the coordinator's Job, suspended so that its pod never
// exists: the test runs the coordinator itself.
func (f *fixture) coordinatorJob() *batchv1.Job {
	return &batchv1.Job{
		ObjectMeta: f.meta(f.plan.CoordinatorJob, ""),
		Spec: batchv1.JobSpec{
			Suspend: ptrTo(true),
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: f.labels("")},
				Spec: corev1.PodSpec{
					RestartPolicy: corev1.RestartPolicyOnFailure,
					Containers:    []corev1.Container{{Name: "coordinator", Image: "pipec:test", Command: []string{"pipec", "coordinate", "--run", f.plan.Run}}},
				},
			},
		},
	}
}

func ptrTo[T any](v T) *T { return &v }
