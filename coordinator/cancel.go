package coordinator

import (
	"context"
	"encoding/json"
	"fmt"

	"k8s.io/client-go/rest"

	"github.com/pipec-dev/pipec/plan"
)

// Cancel asks the coordinator of run, in namespace ns, to cancel it, by
// setting AnnotationCancel on the run's plan ConfigMap, which exists from
// the moment the run is applied. mode is CancelRunFinally (stop the running
// tasks, then run finally), StopRunFinally (start nothing new, let running
// tasks end, then run finally) or CancelWithFinally (stop everything). A
// coordinator that is not running yet finds the request when it starts.
func Cancel(ctx context.Context, config *rest.Config, ns, run, mode string) error {
	switch mode {
	case CancelRunFinally, StopRunFinally, CancelWithFinally:
	default:
		return fmt.Errorf("cancel mode %q is not one of %s, %s, %s", mode, CancelRunFinally, StopRunFinally, CancelWithFinally)
	}
	c, err := newClient(config, ns)
	if err != nil {
		return err
	}
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{"annotations": map[string]string{AnnotationCancel: mode}}})
	if err != nil {
		return err
	}
	if _, err := c.patchConfigMap(ctx, plan.PlanConfigMap(run), patch); err != nil {
		return fmt.Errorf("run %s: %w", run, err)
	}
	return nil
}
