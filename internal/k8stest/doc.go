// Package k8stest runs a real Kubernetes control plane for pipec's
// integration (e2e) tests: etcd, kube-apiserver and a lean
// kube-controller-manager on loopback, with no kubelet, no scheduler and no
// containers. A fake kubelet (Kubelet) plays the nodes' part by writing pod
// status, so a test decides when and how every pod starts and ends.
//
// It is test support: only tests import it, and nothing here starts a
// process unless a test calls Start. The e2e tests themselves carry the
// build tag e2e, so plain `go test ./...` neither starts a cluster nor needs
// the binaries:
//
//	go test -tags e2e ./...
//
// # Binaries
//
// Start looks for etcd, kube-apiserver and kube-controller-manager (and
// kubectl, for Cluster.Kubectl) in $PIPEC_K8S_BIN_DIR, or in
// $HOME/.cache/pipec/k8s-v1.34.4 when that is unset. When they are missing it
// runs hack/k8s-bins.sh, which builds them from the Go module proxy: ~6-10
// minutes the first time on a fresh machine, nothing afterwards. That is
// close to go test's default -timeout of 10m, so on a fresh machine run the
// script first (CI's .ci/run does), or pass -timeout 30m.
//
// To run against an existing cluster instead (one started by hand, or one
// shared by several test packages), set PIPEC_E2E_KUBECONFIG to its
// kubeconfig. Set PIPEC_E2E_KEEP=1 to keep the control plane's temp dir
// (logs, PKI, kubeconfigs) after Stop.
//
// # One control plane per test package
//
// A control plane starts in ~3-4 s and holds ~0.4 GB, so a package starts one
// in TestMain and its tests share it, each in its own namespace:
//
//	//go:build e2e
//
//	var cluster *k8stest.Cluster
//
//	func TestMain(m *testing.M) {
//		c, err := k8stest.Start(context.Background())
//		if err != nil {
//			fmt.Fprintln(os.Stderr, err)
//			os.Exit(1)
//		}
//		cluster = c
//		code := m.Run()
//		c.Stop()
//		os.Exit(code)
//	}
//
//	func TestStepResults(t *testing.T) {
//		ctx := t.Context()
//		ns := cluster.NewNamespace(t)
//		// ... create a suspended Job in ns, unsuspend it ...
//		kubelet := cluster.Kubelet()
//		pod, err := kubelet.WaitForJobPod(ctx, ns, "run-build")
//		if err != nil {
//			t.Fatal(err)
//		}
//		results := map[string]string{"digest": "sha256:0123"}
//		if _, err := kubelet.SucceedPod(ctx, pod, results); err != nil {
//			t.Fatal(err)
//		}
//		if _, err := cluster.WaitForJobCondition(ctx, ns, "run-build", batchv1.JobComplete); err != nil {
//			t.Fatal(err)
//		}
//	}
//
// A package with a single e2e test may use StartT instead, which stops the
// control plane at the test's cleanup.
package k8stest
