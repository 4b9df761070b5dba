package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/pipec-dev/pipec/coordinator"
)

// clusterFlags are how a command finds the API server and the namespace:
// in a pod, its service account and namespace; elsewhere a kubeconfig (the
// flag, $KUBECONFIG or ~/.kube/config) and its context's namespace. Both
// go through clientcmd's loading rules, so the code path is the same.
type clusterFlags struct {
	kubeconfig string
	namespace  string
}

func (f *clusterFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.kubeconfig, "kubeconfig", "", "path of a kubeconfig (default: $KUBECONFIG, ~/.kube/config, or the pod's service account)")
	cmd.Flags().StringVarP(&f.namespace, "namespace", "n", "", "namespace of the run (default: the kubeconfig context's, or the pod's)")
}

// config returns the REST configuration and the namespace.
func (f *clusterFlags) config() (*rest.Config, string, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = f.kubeconfig
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{})
	config, err := cc.ClientConfig()
	if err != nil {
		return nil, "", fmt.Errorf("no cluster to talk to: %w", err)
	}
	ns := f.namespace
	if ns == "" {
		if ns, _, err = cc.Namespace(); err != nil {
			return nil, "", fmt.Errorf("namespace: %w", err)
		}
	}
	return config, ns, nil
}

// request runs fn with the cluster's configuration and a 30-second deadline:
// the commands that read or annotate a run make one or two requests.
func (f *clusterFlags) request(fn func(ctx context.Context, config *rest.Config, ns string) error) error {
	config, ns, err := f.config()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return fn(ctx, config, ns)
}

// newCoordinateCmd is `pipec coordinate`, the program of a run's
// coordinator Job.
func newCoordinateCmd(stdio IO) *cobra.Command {
	var cf clusterFlags
	var run, planCM string
	cmd := &cobra.Command{
		Use:   "coordinate --run NAME [--namespace NS] [--kubeconfig PATH]",
		Short: "Run a compiled PipelineRun: start its Jobs in order, pass results, run finally (runtime)",
		Long: `coordinate runs one compiled run to its end: it starts each task's Job when
its dependencies have succeeded and its when expressions hold, passes results
through the run's results ConfigMap, skips what Tekton would skip, runs the
finally tasks, enforces timeouts and cancellation, and records every task's
end and the run's outcome as annotations on the Jobs.

It is what the run's coordinator Job runs, with its pod's service account. It
keeps no state of its own, so it can be stopped and started again at any
time, and run from outside the cluster with a kubeconfig to debug a run.

Exit status: 0 when the run succeeded, 1 when it failed or was cancelled,
2 when coordinate itself could not run (bad flags, no plan, interrupted).`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if run == "" {
				return errors.New("--run is required")
			}
			config, ns, err := cf.config()
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			c, err := coordinator.New(coordinator.Options{
				Config:        config,
				Namespace:     ns,
				Run:           run,
				PlanConfigMap: planCM,
				Logf: func(format string, args ...any) {
					fmt.Fprintf(stdio.Err, "%s %s\n", time.Now().Format("15:04:05.000"), fmt.Sprintf(format, args...))
				},
			})
			if err != nil {
				return err
			}
			rec, err := c.Run(ctx)
			if err != nil {
				return err
			}
			st := c.Stats()
			fmt.Fprintf(stdio.Err, "run %s: %s (%s); %d API writes, %d conflicts\n", run, rec.State, rec.Reason, st.Writes, st.Conflicts)
			if rec.State != string(coordinator.RunSucceeded) {
				return exitError{1}
			}
			return nil
		},
	}
	cf.add(cmd)
	cmd.Flags().StringVar(&run, "run", "", "name of the run (its objects' pipec.dev/run label)")
	cmd.Flags().StringVar(&planCM, "plan", "", "name of the plan ConfigMap (default RUN-plan)")
	return cmd
}

// newRunsCmd is `pipec runs`, which reads runs' records.
func newRunsCmd(stdio IO) *cobra.Command {
	runs := &cobra.Command{
		Use:   "runs",
		Short: "Inspect compiled runs in a cluster",
	}
	var cf clusterFlags
	describe := &cobra.Command{
		Use:   "describe RUN",
		Short: "Show each task's state, reason and times, and the run's outcome",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return cf.request(func(ctx context.Context, config *rest.Config, ns string) error {
				d, err := coordinator.Describe(ctx, config, ns, args[0])
				if err != nil {
					return err
				}
				return d.WriteTable(stdio.Out)
			})
		},
	}
	cf.add(describe)
	var mode string
	cancelCmd := &cobra.Command{
		Use:   "cancel RUN",
		Short: "Cancel a run: its coordinator stops its tasks and runs finally",
		Long: `Cancel asks the run's coordinator to cancel it, with the modes of Tekton's
PipelineRun spec.status: CancelledRunFinally (the default) stops the running
tasks and then runs finally; StoppedRunFinally starts nothing new, lets the
running tasks end, then runs finally; Cancelled stops everything, finally
included. The request is an annotation on the run's plan ConfigMap, so it
also reaches a coordinator that has not started yet.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return cf.request(func(ctx context.Context, config *rest.Config, ns string) error {
				if err := coordinator.Cancel(ctx, config, ns, args[0], mode); err != nil {
					return err
				}
				_, err := fmt.Fprintf(stdio.Out, "run %s: %s requested\n", args[0], mode)
				return err
			})
		},
	}
	cf.add(cancelCmd)
	cancelCmd.Flags().StringVar(&mode, "mode", coordinator.CancelRunFinally, "CancelledRunFinally, StoppedRunFinally or Cancelled")
	runs.AddCommand(describe, cancelCmd)
	return runs
}
