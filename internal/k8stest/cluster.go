package k8stest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// Environment variables that change what Start does.
const (
	// EnvKubeconfig names the kubeconfig of an existing cluster to use
	// instead of starting one.
	EnvKubeconfig = "PIPEC_E2E_KUBECONFIG"
	// EnvKeep, when set to anything, keeps the control plane's temp dir
	// (logs, PKI, kubeconfigs) after Stop, for a post-mortem.
	EnvKeep = "PIPEC_E2E_KEEP"
)

// ErrExternal is returned by the operations that need a control plane this
// package started, when the cluster came from PIPEC_E2E_KUBECONFIG. A test
// that restarts the API server should skip on it.
var ErrExternal = errors.New("k8stest: the cluster is external (" + EnvKubeconfig + "), not started by k8stest")

// Cluster is a Kubernetes API server for tests: either a control plane that
// Start ran on loopback, or an existing cluster named by
// PIPEC_E2E_KUBECONFIG. Its methods are safe for concurrent use by parallel
// tests.
type Cluster struct {
	config     *rest.Config
	client     kubernetes.Interface
	kubeconfig string
	startup    time.Duration

	// cp is nil for an external cluster.
	cp       *controlPlane
	stopOnce sync.Once
}

// Start returns a cluster for a test package: the one PIPEC_E2E_KUBECONFIG
// names, or else a fresh control plane on free loopback ports, built first
// by hack/k8s-bins.sh if its binaries are missing. It suits TestMain; the
// caller must call Stop. ctx bounds the start-up only (and the build, if
// one is needed).
func Start(ctx context.Context) (*Cluster, error) {
	begin := time.Now()
	if path := os.Getenv(EnvKubeconfig); path != "" {
		c, err := external(ctx, path)
		if err != nil {
			return nil, err
		}
		c.startup = time.Since(begin)
		return c, nil
	}
	dir := BinDir()
	if err := ensureBins(ctx, dir); err != nil {
		return nil, err
	}
	begin = time.Now() // a build is not start-up
	cp, err := startControlPlane(ctx, dir)
	if err != nil {
		return nil, err
	}
	c := &Cluster{config: cp.config, client: cp.client, kubeconfig: cp.adminKubeconfig, cp: cp}
	c.startup = time.Since(begin)
	return c, nil
}

// StartT is Start for a single test: it fails t when the cluster cannot
// start and stops the cluster at t's cleanup. Packages with several e2e tests
// should share one cluster from TestMain instead.
func StartT(t testing.TB) *Cluster {
	t.Helper()
	c, err := Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)
	t.Logf("%s", c)
	return c
}

// external connects to the cluster that the kubeconfig at path selects.
func external(ctx context.Context, path string) (*Cluster, error) {
	config, err := clientcmd.BuildConfigFromFlags("", path)
	if err != nil {
		return nil, fmt.Errorf("k8stest: %s=%s: %w", EnvKubeconfig, path, err)
	}
	tuneClient(config)
	client, err := kubernetes.NewForConfig(config)
	if err != nil {
		return nil, fmt.Errorf("k8stest: %s=%s: %w", EnvKubeconfig, path, err)
	}
	// Fail here, once, rather than in every test.
	if _, err := client.CoreV1().Namespaces().Get(ctx, "default", getOpts); err != nil {
		return nil, fmt.Errorf("k8stest: %s=%s: cluster not reachable: %w", EnvKubeconfig, path, err)
	}
	return &Cluster{config: config, client: client, kubeconfig: path}, nil
}

// tuneClient lifts client-go's default client-side rate limit (5 QPS),
// which would make tests that poll slow for no reason.
func tuneClient(config *rest.Config) {
	config.QPS = 200
	config.Burst = 400
	if config.UserAgent == "" {
		config.UserAgent = "pipec-k8stest"
	}
}

// Stop stops the control plane (by pid) and removes its temp dir, unless
// PIPEC_E2E_KEEP is set. It does nothing to an external cluster, and nothing
// the second time.
func (c *Cluster) Stop() {
	c.stopOnce.Do(func() {
		if c.cp != nil {
			c.cp.stop()
		}
	})
}

// RESTConfig returns a copy of the admin client configuration (group
// system:masters), which the caller may change.
func (c *Cluster) RESTConfig() *rest.Config {
	return rest.CopyConfig(c.config)
}

// Client returns a clientset with admin rights.
func (c *Cluster) Client() kubernetes.Interface {
	return c.client
}

// Kubeconfig returns the path of an admin kubeconfig, for kubectl and for
// programs under test that read one.
func (c *Cluster) Kubeconfig() string {
	return c.kubeconfig
}

// StartupTime reports how long Start took, not counting a build of the
// binaries.
func (c *Cluster) StartupTime() time.Duration {
	return c.startup
}

// ServiceAccountConfig returns a copy of the admin configuration that
// impersonates the service account ns/name, with the groups the API server
// gives its tokens. A test checks least privilege with it: the coordinator
// run as its own service account, say.
func (c *Cluster) ServiceAccountConfig(ns, name string) *rest.Config {
	config := c.RESTConfig()
	config.Impersonate = rest.ImpersonationConfig{
		UserName: "system:serviceaccount:" + ns + ":" + name,
		Groups:   []string{"system:serviceaccounts", "system:serviceaccounts:" + ns, "system:authenticated"},
	}
	return config
}

// Kubelet returns a fake kubelet that acts on this cluster's pods.
func (c *Cluster) Kubelet() *Kubelet {
	return &Kubelet{Client: c.client}
}

// Dir returns the control plane's temp dir (logs, PKI, kubeconfigs), or ""
// for an external cluster.
func (c *Cluster) Dir() string {
	if c.cp == nil {
		return ""
	}
	return c.cp.dir
}

// String describes the cluster for a test log.
func (c *Cluster) String() string {
	if c.cp == nil {
		return fmt.Sprintf("external cluster %s (%s)", c.config.Host, c.kubeconfig)
	}
	return fmt.Sprintf("k8stest control plane %s at %s, started in %.1fs (ready at: %s), logs in %s",
		KubernetesVersion, c.config.Host, c.startup.Seconds(), strings.Join(c.cp.phases, ", "), c.cp.dir)
}

// StopAPIServer stops kube-apiserver gracefully: SIGTERM, and SIGKILL once
// it has drained its requests and closed its port (or after a grace
// period). etcd and kube-controller-manager keep running, and clients see
// connection errors until StartAPIServer.
func (c *Cluster) StopAPIServer() error {
	if c.cp == nil {
		return ErrExternal
	}
	c.cp.apiMu.Lock()
	defer c.cp.apiMu.Unlock()
	addr := strings.TrimPrefix(c.cp.apiServerURL, "https://")
	c.cp.apiServer.stop(apiServerGrace, func() bool { return !listening(addr) })
	return nil
}

// StartAPIServer starts kube-apiserver again, on the same port and etcd, and
// waits until it is ready. Existing clients then work again: client-go
// reconnects by itself.
func (c *Cluster) StartAPIServer(ctx context.Context) error {
	if c.cp == nil {
		return ErrExternal
	}
	c.cp.apiMu.Lock()
	defer c.cp.apiMu.Unlock()
	if c.cp.apiServer.pid() != 0 {
		return errors.New("k8stest: kube-apiserver is already running")
	}
	// The port was ours a moment ago, so no retry on another port: the
	// clients and kubeconfigs name this one.
	if err := c.cp.apiServer.start(); err != nil {
		return err
	}
	if err := c.cp.waitAPIServer(ctx); err != nil {
		return c.cp.failure(c.cp.apiServer, err)
	}
	return nil
}

// RestartAPIServer stops kube-apiserver and starts it again (StopAPIServer,
// StartAPIServer): what a coordinator sees when the API server restarts in
// the middle of a run.
func (c *Cluster) RestartAPIServer(ctx context.Context) error {
	if err := c.StopAPIServer(); err != nil {
		return err
	}
	return c.StartAPIServer(ctx)
}

// failureDetail formats the end of a log for an error message.
func failureDetail(p *process, lines int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "last %d lines of %s:\n", lines, p.log)
	for _, line := range strings.Split(p.logTail(lines), "\n") {
		b.WriteString("\t" + line + "\n")
	}
	return b.String()
}
