package emit

import (
	"strconv"
	"strings"

	"github.com/pipec-dev/pipec/plan"
)

// maxName is the length of a DNS label, the tightest limit Kubernetes puts
// on the names pipec makes (container, volume and Job names, label values).
const maxName = plan.MaxName

// shorten is plan.Shorten: the coordinator derives the same names.
func shorten(name string, limit int) string { return plan.Shorten(name, limit) }

// childName is the name of an object that belongs to run: "RUN-SUFFIX",
// shortened to 63 characters.
func childName(run, suffix string) string { return plan.ObjectName(run, suffix) }

// jobName is the name of a task's Job. The Job controller names each pod's
// hostname "JOB-INDEX", which must be a DNS label too, so the Job's name
// leaves room for the largest index (the API server checks it).
func jobName(run, task string, completions int) string {
	room := len(strconv.Itoa(max(completions-1, 0))) + 1
	return shorten(run+"-"+task, maxName-room)
}

// containerName is "PREFIX-NAME" as a DNS label.
func containerName(prefix, name string) string { return shorten(prefix+"-"+name, maxName) }

// runName is the name a run's objects are derived from: metadata.name, or a
// generateName without its trailing dash (every compile makes the same
// objects, so a random suffix would only hide that).
func runName(name string, generated bool) string {
	if generated {
		name = strings.TrimRight(name, "-.")
	}
	return name
}

// labels returns the labels every object of a run carries.
func labels(run, task string) map[string]string {
	l := map[string]string{
		plan.LabelManagedBy: plan.ManagedBy,
		plan.LabelRun:       shortLabel(run),
	}
	if task != "" {
		l[plan.LabelTask] = shortLabel(task)
	}
	return l
}

// shortLabel makes a label value of a name; names are at most 63
// characters already, except generated ones.
func shortLabel(v string) string { return plan.LabelValue(v) }
