// Package coordinator is `pipec coordinate`: the reconciler that runs a
// compiled PipelineRun with no Tekton controller. The compiler leaves one
// suspended Job per task, the plan in the ConfigMap RUN-plan and an empty
// ConfigMap RUN-results; the coordinator starts the Jobs in dependency
// order, passes results from task to task, evaluates when expressions,
// skips what Tekton skips, runs finally, enforces timeouts, honours
// cancellation, and records every task's end and the run's outcome.
//
// # Level-triggered, with no state of its own
//
// Informers watch the run's Jobs, Pods and ConfigMaps (label
// pipec.dev/run=RUN). On every change the coordinator gathers what they
// say (snapshot), decides what to write (decide, a pure function) and
// writes it (apply), in an order that keeps the cluster consistent at every
// step: results into RUN-results first, then the Jobs (start, stop, skip,
// record an end), then the run's record on the coordinator's Job. Nothing
// is remembered between reconciles but the objects its own writes returned,
// until the informers catch up with them.
//
// Everything a decision needs is in the cluster:
//
//   - a task's start is its Job unsuspended, with the annotations
//     pipec.dev/state=Running and pipec.dev/started written in the same
//     patch;
//   - its end is what its pods say (a task is done when its pods have
//     terminated, without waiting for the Job controller's count), and
//     once recorded, its Job's annotations, which are final;
//   - its results are its last container's termination message, copied
//     into RUN-results before the task is recorded done and before any
//     consumer starts;
//   - the run's start is the coordinator Job's creation, its cancellation an
//     annotation, its end the coordinator Job's annotations.
//
// So a coordinator killed at any point and started again decides what the
// first would have. The writes that act on a Job's suspension (start,
// stop, skip) carry the resourceVersion the decision was made on, so that
// a stale view (a fresh informer's first list, a second coordinator) makes
// the API server refuse the patch instead of starting a Job twice.
//
// The package has no cobra and no global state; internal/cli wraps it as
// `pipec coordinate`. docs/design.md documents the records.
package coordinator
