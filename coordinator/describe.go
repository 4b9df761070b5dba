package coordinator

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/rest"

	"github.com/pipec-dev/pipec/plan"
)

// Description is a run's status as its records tell it.
type Description struct {
	Name  string // the run's
	Run   RunRecord
	Tasks []TaskDescription
}

// TaskDescription is one task's row.
type TaskDescription struct {
	Name    string
	Finally bool
	Job     string
	Record
	// Exists is false when the task's Job is missing.
	Exists bool
}

// Describe reads the records of run in namespace ns: the plan, then every
// task's Job and the coordinator's. A task whose Job has no record yet is
// Pending (suspended) or Running.
func Describe(ctx context.Context, config *rest.Config, ns, run string) (*Description, error) {
	c, err := newClient(config, ns)
	if err != nil {
		return nil, err
	}
	name := plan.PlanConfigMap(run)
	cm := &corev1.ConfigMap{}
	err = c.core.Get().Namespace(ns).Resource("configmaps").Name(name).
		VersionedParams(&metav1.GetOptions{}, metav1.ParameterCodec).Do(ctx).Into(cm)
	if err != nil {
		return nil, fmt.Errorf("run %s: %w", run, err)
	}
	p, err := plan.Parse([]byte(cm.Data[plan.PlanKey]))
	if err != nil {
		return nil, fmt.Errorf("run %s: ConfigMap %s: %w", run, name, err)
	}
	jobs := &batchv1.JobList{}
	sel := labels.Set{plan.LabelRun: plan.LabelValue(run)}.String()
	err = c.batch.Get().Namespace(ns).Resource("jobs").
		VersionedParams(&metav1.ListOptions{LabelSelector: sel}, metav1.ParameterCodec).Do(ctx).Into(jobs)
	if err != nil {
		return nil, fmt.Errorf("run %s: listing its Jobs: %w", run, err)
	}
	byName := map[string]*batchv1.Job{}
	for i := range jobs.Items {
		byName[jobs.Items[i].Name] = &jobs.Items[i]
	}
	d := &Description{Name: run}
	if j := byName[p.CoordinatorJob]; j != nil {
		d.Run = ReadRunRecord(j.Annotations)
		if d.Run.Started.IsZero() {
			d.Run.Started = j.CreationTimestamp.Time
		}
	}
	for i, t := range allTasks(p) {
		td := TaskDescription{Name: t.Name, Finally: i >= len(p.Tasks), Job: t.Job}
		if j := byName[t.Job]; j != nil {
			td.Exists = true
			td.Record = ReadRecord(j.Annotations)
			if td.State == "" {
				td.State = string(Running)
				if suspended(j) {
					td.State = string(Pending)
				}
			}
		}
		d.Tasks = append(d.Tasks, td)
	}
	return d, nil
}

// WriteTable prints a description as a table, then the run's outcome.
func (d *Description) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TASK\tSTATE\tREASON\tSTARTED\tDURATION\tMESSAGE")
	for _, t := range d.Tasks {
		name := t.Name
		if t.Finally {
			name += " (finally)"
		}
		state := t.State
		if !t.Exists {
			state = "(no Job " + t.Job + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", name, state, dash(t.Reason), clock(t.Started), duration(t.Started, t.Finished), oneLine(t.Message))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	r := d.Run
	state := r.State
	if state == "" {
		state = string(RunRunning)
	}
	fmt.Fprintf(w, "\nrun %s: %s", d.Name, state)
	if r.Reason != "" {
		fmt.Fprintf(w, " (%s)", r.Reason)
	}
	if !r.Finished.IsZero() {
		fmt.Fprintf(w, " in %s", duration(r.Started, r.Finished))
	}
	fmt.Fprintln(w)
	if r.Message != "" {
		fmt.Fprintln(w, r.Message)
	}
	for name, v := range r.Results {
		fmt.Fprintf(w, "result %s: %v\n", name, v)
	}
	return nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func clock(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("15:04:05")
}

func duration(from, to time.Time) string {
	if from.IsZero() || to.IsZero() {
		return "-"
	}
	return to.Sub(from).Round(time.Millisecond).String()
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}
