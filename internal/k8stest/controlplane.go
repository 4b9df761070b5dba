package k8stest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// leanControllers are the kube-controller-manager controllers pipec's runs
// need. The default set (~40 controllers) makes kube-controller-manager take
// ~5 s longer to start and does nothing for a cluster without nodes.
var leanControllers = []string{
	"job-controller",
	// The default ServiceAccount of each namespace (pods cannot be
	// created before it exists) and the tokens of the controllers' own
	// service accounts (--use-service-account-credentials).
	"serviceaccount-controller",
	"serviceaccount-token-controller",
	// kube-root-ca.crt, which every pod's projected token volume names.
	"root-ca-certificate-publisher-controller",
	"namespace-controller",
	// ownerReferences: deleting a run's coordinator Job deletes the rest.
	"garbage-collector-controller",
	"ttl-after-finished-controller",
	"pod-garbage-collector-controller",
	// Without it a deleted PVC keeps its kubernetes.io/pvc-protection
	// finalizer and stays Terminating for ever.
	"persistentvolumeclaim-protection-controller",
}

const (
	// serviceCIDR holds 10.96.0.1, a SAN of the serving cert. It is
	// only a range the API server allocates from: no traffic goes there.
	serviceCIDR = "10.96.0.0/24"
	// saIssuer is the issuer of service-account tokens, as in kubeadm.
	saIssuer = "https://kubernetes.default.svc.cluster.local"

	// readyTimeout bounds each component's wait for readiness when ctx
	// has no earlier deadline. Start-up takes seconds; this only keeps a
	// wedged component from hanging a test binary.
	readyTimeout = 90 * time.Second
	// pollInterval is how often readiness is checked.
	pollInterval = 50 * time.Millisecond
	// apiServerGrace is how long StopAPIServer waits after SIGTERM.
	apiServerGrace = 10 * time.Second
	// portAttempts is how often a component is started on new ports
	// when its port was taken between freePort and the bind.
	portAttempts = 3
	// logLines is how much of a failed component's log an error shows.
	logLines = 30
)

// errExited marks a component that exited while Start waited for it.
var errExited = errors.New("exited")

// controlPlane is the set of processes Start runs, and their files.
type controlPlane struct {
	dir    string // temp dir: PKI, kubeconfigs, logs, etcd data
	binDir string
	pki    *pki
	files  pkiFiles

	etcd, apiServer, kcm *process
	etcdURL              string
	apiServerURL         string

	adminKubeconfig string
	config          *rest.Config
	client          kubernetes.Interface
	readyz          *http.Client

	// phases records when each component was ready, counted from the
	// start, for Cluster.String.
	phases []string

	apiMu sync.Mutex // serialises stopping and starting kube-apiserver
}

// startControlPlane starts etcd, kube-apiserver and kube-controller-manager
// from binDir. On failure it stops what it started and keeps the temp dir,
// whose logs the error names.
func startControlPlane(ctx context.Context, binDir string) (_ *controlPlane, err error) {
	dir, err := os.MkdirTemp("", "pipec-k8stest-")
	if err != nil {
		return nil, fmt.Errorf("k8stest: %w", err)
	}
	cp := &controlPlane{dir: dir, binDir: binDir}
	defer func() {
		if err != nil {
			cp.kill()
			err = fmt.Errorf("%w\n(control plane files kept in %s)", err, dir)
		}
	}()
	begin := time.Now()
	if cp.pki, err = newPKI(); err != nil {
		return nil, fmt.Errorf("k8stest: PKI: %w", err)
	}
	if cp.files, err = cp.pki.write(dir); err != nil {
		return nil, fmt.Errorf("k8stest: PKI: %w", err)
	}
	cp.phase("PKI", begin)
	if err := cp.startStorageAndAPI(ctx, begin); err != nil {
		return nil, err
	}
	if err := cp.startKCM(ctx); err != nil {
		return nil, err
	}
	cp.phase("kube-controller-manager", begin)
	return cp, nil
}

// phase records that a component was ready, for Cluster.String.
func (cp *controlPlane) phase(name string, begin time.Time) {
	cp.phases = append(cp.phases, fmt.Sprintf("%s %.1fs", name, time.Since(begin).Seconds()))
}

// startStorageAndAPI starts etcd on free ports and waits for its /health,
// then kube-apiserver, and waits for its /readyz. Starting both at once was
// tried: it gained nothing clear, and kube-apiserver's etcd client logged a
// burst of refused connections.
func (cp *controlPlane) startStorageAndAPI(ctx context.Context, begin time.Time) error {
	var err error
	var failed *process
	for range portAttempts {
		var ports []int
		if ports, err = freePorts(3); err != nil {
			return fmt.Errorf("k8stest: %w", err)
		}
		cp.etcd, err = cp.newEtcd(ports[0], ports[1])
		if err != nil {
			return err
		}
		if err = cp.connect("https://127.0.0.1:" + strconv.Itoa(ports[2])); err != nil {
			return err
		}
		cp.apiServer = cp.newAPIServer(ports[2])
		failed = cp.etcd
		if err = cp.etcd.start(); err != nil {
			return fmt.Errorf("k8stest: %w", err)
		}
		if err = waitReady(ctx, cp.etcd, cp.etcdHealthy); err == nil {
			cp.phase("etcd", begin)
			failed = cp.apiServer
			if err = cp.apiServer.start(); err != nil {
				return fmt.Errorf("k8stest: %w", err)
			}
			if err = cp.waitAPIServer(ctx); err == nil {
				cp.phase("kube-apiserver", begin)
				return nil
			}
		}
		cp.apiServer.stop(0, nil)
		cp.etcd.stop(0, nil)
		if !portTaken(failed, err) {
			break
		}
	}
	return cp.failure(failed, err)
}

// newEtcd returns the etcd process, not started, with a fresh data dir.
func (cp *controlPlane) newEtcd(clientPort, peerPort int) (*process, error) {
	data := filepath.Join(cp.dir, "etcd-data")
	// A failed attempt leaves a member with the old peer URL.
	if err := os.RemoveAll(data); err != nil {
		return nil, fmt.Errorf("k8stest: etcd: %w", err)
	}
	cp.etcdURL = "http://127.0.0.1:" + strconv.Itoa(clientPort)
	peerURL := "http://127.0.0.1:" + strconv.Itoa(peerPort)
	return &process{
		name: "etcd",
		path: filepath.Join(cp.binDir, "etcd"),
		log:  filepath.Join(cp.dir, "etcd.log"),
		args: []string{
			"--name=k8stest",
			"--data-dir=" + data,
			"--listen-client-urls=" + cp.etcdURL,
			"--advertise-client-urls=" + cp.etcdURL,
			"--listen-peer-urls=" + peerURL,
			"--initial-advertise-peer-urls=" + peerURL,
			"--initial-cluster=k8stest=" + peerURL,
			"--logger=zap",
			"--log-level=warn",
			// The data is thrown away after the run.
			"--unsafe-no-fsync",
		},
	}, nil
}

// etcdHealthy checks etcd's /health endpoint.
func (cp *controlPlane) etcdHealthy(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, cp.etcdURL+"/health", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"health":"true"`) {
		return fmt.Errorf("/health: %s: %s", resp.Status, body)
	}
	return nil
}

// newAPIServer returns the kube-apiserver process, not started.
func (cp *controlPlane) newAPIServer(port int) *process {
	return &process{
		name: "kube-apiserver",
		path: filepath.Join(cp.binDir, "kube-apiserver"),
		log:  filepath.Join(cp.dir, "kube-apiserver.log"),
		args: []string{
			"--etcd-servers=" + cp.etcdURL,
			"--bind-address=127.0.0.1",
			"--advertise-address=127.0.0.1",
			"--secure-port=" + strconv.Itoa(port),
			"--tls-cert-file=" + cp.files.APIServerCert,
			"--tls-private-key-file=" + cp.files.APIServerKey,
			"--client-ca-file=" + cp.files.CACert,
			"--authorization-mode=RBAC",
			// As kubeadm, kind and the managed clusters run it: Tekton
			// tasks (docker-in-docker sidecars, buildah) use privileged
			// containers, which the API server refuses by default.
			"--allow-privileged=true",
			"--service-account-issuer=" + saIssuer,
			"--service-account-key-file=" + cp.files.SAPub,
			"--service-account-signing-key-file=" + cp.files.SAKey,
			"--service-cluster-ip-range=" + serviceCIDR,
			// A loopback advertise address is not a valid
			// endpoint; nothing in the cluster calls the kubernetes
			// service anyway.
			"--endpoint-reconciler-type=none",
			"--cert-dir=" + filepath.Join(cp.dir, "apiserver-certs"),
		},
	}
}

// connect writes the admin and kube-controller-manager kubeconfigs for
// server and makes the harness's clients.
func (cp *controlPlane) connect(server string) error {
	cp.apiServerURL = server
	cp.adminKubeconfig = filepath.Join(cp.dir, "admin.kubeconfig")
	if err := writeKubeconfig(cp.adminKubeconfig, server, cp.pki.CA.CertPEM, cp.pki.Admin); err != nil {
		return fmt.Errorf("k8stest: %w", err)
	}
	if err := writeKubeconfig(filepath.Join(cp.dir, "kcm.kubeconfig"), server, cp.pki.CA.CertPEM, cp.pki.KCM); err != nil {
		return fmt.Errorf("k8stest: %w", err)
	}
	cp.config = &rest.Config{
		Host: server,
		TLSClientConfig: rest.TLSClientConfig{
			CAData:   cp.pki.CA.CertPEM,
			CertData: cp.pki.Admin.CertPEM,
			KeyData:  cp.pki.Admin.KeyPEM,
		},
	}
	tuneClient(cp.config)
	var err error
	if cp.client, err = kubernetes.NewForConfig(cp.config); err != nil {
		return fmt.Errorf("k8stest: %w", err)
	}
	if cp.readyz, err = rest.HTTPClientFor(cp.config); err != nil {
		return fmt.Errorf("k8stest: %w", err)
	}
	return nil
}

// waitAPIServer waits until kube-apiserver's /readyz answers 200: storage,
// RBAC bootstrap and the other post-start hooks are done.
func (cp *controlPlane) waitAPIServer(ctx context.Context) error {
	return waitReady(ctx, cp.apiServer, func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, cp.apiServerURL+"/readyz", nil)
		if err != nil {
			return err
		}
		resp, err := cp.readyz.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("/readyz: %s: %s", resp.Status, body)
		}
		return nil
	})
}

// startKCM starts kube-controller-manager with the lean controller list and
// waits until the default ServiceAccount of namespace default exists: its
// /healthz turns OK seconds before the controllers actually run.
func (cp *controlPlane) startKCM(ctx context.Context) error {
	cp.kcm = &process{
		name: "kube-controller-manager",
		path: filepath.Join(cp.binDir, "kube-controller-manager"),
		log:  filepath.Join(cp.dir, "kube-controller-manager.log"),
		args: []string{
			"--kubeconfig=" + filepath.Join(cp.dir, "kcm.kubeconfig"),
			"--controllers=" + strings.Join(leanControllers, ","),
			"--leader-elect=false",
			// Each controller acts as its own service account, with
			// the RBAC roles a real cluster gives it.
			"--use-service-account-credentials=true",
			"--service-account-private-key-file=" + cp.files.SAKey,
			"--root-ca-file=" + cp.files.CACert,
			// No serving port: nothing scrapes it, and readiness is
			// judged from the API instead.
			"--secure-port=0",
		},
	}
	if err := cp.kcm.start(); err != nil {
		return fmt.Errorf("k8stest: %w", err)
	}
	err := waitReady(ctx, cp.kcm, func(ctx context.Context) error {
		_, err := cp.client.CoreV1().ServiceAccounts("default").Get(ctx, "default", getOpts)
		return err
	})
	if err != nil {
		return cp.failure(cp.kcm, err)
	}
	return nil
}

// waitReady polls check until it succeeds, p exits, or the wait times out.
func waitReady(ctx context.Context, p *process, check func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	exited := p.exited()
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	for {
		attempt, cancelAttempt := context.WithTimeout(ctx, 2*time.Second)
		err := check(attempt)
		cancelAttempt()
		if err == nil {
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("%w (%v)", errExited, p.exitErr())
		case <-ctx.Done():
			return fmt.Errorf("not ready: %w (last check: %v)", ctx.Err(), err)
		case <-tick.C:
		}
	}
}

// portTaken reports whether p failed because its port was taken after
// freePort chose it.
func portTaken(p *process, err error) bool {
	return errors.Is(err, errExited) && strings.Contains(p.logTail(logLines), "address already in use")
}

// failure wraps err with the component's name and the end of its log.
func (cp *controlPlane) failure(p *process, err error) error {
	return fmt.Errorf("k8stest: %s (log %s): %w\n%s", p.name, p.log, err, failureDetail(p, logLines))
}

// kill stops every component at once: the data is thrown away.
func (cp *controlPlane) kill() {
	for _, p := range []*process{cp.kcm, cp.apiServer, cp.etcd} {
		if p != nil {
			p.stop(0, nil)
		}
	}
}

// stop kills the components and removes the temp dir unless PIPEC_E2E_KEEP
// is set.
func (cp *controlPlane) stop() {
	cp.apiMu.Lock()
	defer cp.apiMu.Unlock()
	cp.kill()
	if os.Getenv(EnvKeep) != "" {
		fmt.Fprintf(os.Stderr, "k8stest: %s set, control plane files kept in %s\n", EnvKeep, cp.dir)
		return
	}
	_ = os.RemoveAll(cp.dir)
}

// writeKubeconfig writes a kubeconfig for server that authenticates with
// the client certificate user, all data inline so that the file stands
// alone.
func writeKubeconfig(path, server string, caPEM []byte, user keyPair) error {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["k8stest"] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: caPEM}
	cfg.AuthInfos["k8stest"] = &clientcmdapi.AuthInfo{ClientCertificateData: user.CertPEM, ClientKeyData: user.KeyPEM}
	cfg.Contexts["k8stest"] = &clientcmdapi.Context{Cluster: "k8stest", AuthInfo: "k8stest", Namespace: "default"}
	cfg.CurrentContext = "k8stest"
	return clientcmd.WriteToFile(*cfg, path)
}

// getOpts are empty GetOptions, named so that calls stay short.
var getOpts = metav1.GetOptions{}
