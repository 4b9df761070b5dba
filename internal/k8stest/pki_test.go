package k8stest

import (
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"slices"
	"testing"
)

func TestPKI(t *testing.T) {
	p, err := newPKI()
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(p.CA.CertPEM) {
		t.Fatal("CA cert does not parse")
	}
	leaf := func(name string, kp keyPair) *x509.Certificate {
		t.Helper()
		pair, err := tls.X509KeyPair(kp.CertPEM, kp.KeyPEM)
		if err != nil {
			t.Fatalf("%s: cert and key: %v", name, err)
		}
		cert, err := x509.ParseCertificate(pair.Certificate[0])
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return cert
	}

	server := leaf("apiserver", p.APIServer)
	for _, host := range []string{"127.0.0.1", "localhost", "10.96.0.1", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"} {
		if _, err := server.Verify(x509.VerifyOptions{Roots: roots, DNSName: host}); err != nil {
			t.Errorf("apiserver cert for %s: %v", host, err)
		}
	}
	if _, err := server.Verify(x509.VerifyOptions{Roots: roots, DNSName: "example.com"}); err == nil {
		t.Error("apiserver cert verifies for example.com")
	}

	clientOpts := x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	admin := leaf("admin", p.Admin)
	if _, err := admin.Verify(clientOpts); err != nil {
		t.Errorf("admin client cert: %v", err)
	}
	if !slices.Equal(admin.Subject.Organization, []string{"system:masters"}) {
		t.Errorf("admin organization = %v, want [system:masters]", admin.Subject.Organization)
	}
	kcm := leaf("kcm", p.KCM)
	if _, err := kcm.Verify(clientOpts); err != nil {
		t.Errorf("kcm client cert: %v", err)
	}
	if kcm.Subject.CommonName != "system:kube-controller-manager" {
		t.Errorf("kcm common name = %q", kcm.Subject.CommonName)
	}
	if _, err := server.Verify(clientOpts); err == nil {
		t.Error("the serving cert is accepted as a client cert")
	}

	keyBlock, _ := pem.Decode(p.SAKey)
	pubBlock, _ := pem.Decode(p.SAPub)
	if keyBlock == nil || pubBlock == nil {
		t.Fatal("service-account key or public key is not PEM")
	}
	key, err := x509.ParsePKCS1PrivateKey(keyBlock.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := x509.ParsePKIXPublicKey(pubBlock.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if rsaPub, ok := pub.(*rsa.PublicKey); !ok || !rsaPub.Equal(&key.PublicKey) {
		t.Error("sa.pub is not the public half of sa.key")
	}
}
