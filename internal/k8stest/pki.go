package k8stest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// certValidity is long enough for any test run and short enough that a
// leaked temp dir holds nothing useful for long.
const certValidity = 7 * 24 * time.Hour

// apiServerDNSNames and apiServerIPs are the serving cert's SANs: loopback
// for the tests, and the in-cluster names and service IP (the first of
// --service-cluster-ip-range) that a real cluster's API server answers to.
var (
	apiServerDNSNames = []string{
		"localhost",
		"kubernetes",
		"kubernetes.default",
		"kubernetes.default.svc",
		"kubernetes.default.svc.cluster.local",
	}
	apiServerIPs = []net.IP{
		net.ParseIP("127.0.0.1"),
		net.ParseIP("::1"),
		net.ParseIP("10.96.0.1"),
	}
)

// keyPair is a certificate with its key, both PEM-encoded.
type keyPair struct {
	CertPEM, KeyPEM []byte
}

// pki is everything the control plane authenticates with.
type pki struct {
	CA        keyPair
	APIServer keyPair // serving cert of kube-apiserver
	Admin     keyPair // client cert in group system:masters
	KCM       keyPair // client cert of system:kube-controller-manager
	// SAKey signs service-account tokens (kube-apiserver, and the token
	// controller of kube-controller-manager); SAPub verifies them.
	SAKey, SAPub []byte
}

// newPKI makes a fresh CA and the certificates signed by it. Keys are ECDSA
// P-256, which are fast to generate, except the service-account key, which
// is RSA as in kubeadm clusters.
func newPKI() (*pki, error) {
	now := time.Now()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("CA key: %w", err)
	}
	caTmpl := &x509.Certificate{
		Subject:               pkix.Name{CommonName: "pipec-k8stest-ca"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(certValidity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caCert, ca, err := sign(caTmpl, caKey, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("CA: %w", err)
	}
	p := &pki{CA: ca}

	leaf := func(name pkix.Name, usage x509.ExtKeyUsage, dns []string, ips []net.IP) (keyPair, error) {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return keyPair{}, err
		}
		tmpl := &x509.Certificate{
			Subject:     name,
			NotBefore:   now.Add(-time.Hour),
			NotAfter:    now.Add(certValidity),
			KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
			ExtKeyUsage: []x509.ExtKeyUsage{usage},
			DNSNames:    dns,
			IPAddresses: ips,
		}
		_, kp, err := sign(tmpl, key, caCert, caKey)
		return kp, err
	}
	if p.APIServer, err = leaf(pkix.Name{CommonName: "kube-apiserver"}, x509.ExtKeyUsageServerAuth, apiServerDNSNames, apiServerIPs); err != nil {
		return nil, fmt.Errorf("apiserver serving cert: %w", err)
	}
	if p.Admin, err = leaf(pkix.Name{CommonName: "pipec-k8stest-admin", Organization: []string{"system:masters"}}, x509.ExtKeyUsageClientAuth, nil, nil); err != nil {
		return nil, fmt.Errorf("admin client cert: %w", err)
	}
	if p.KCM, err = leaf(pkix.Name{CommonName: "system:kube-controller-manager"}, x509.ExtKeyUsageClientAuth, nil, nil); err != nil {
		return nil, fmt.Errorf("kube-controller-manager client cert: %w", err)
	}

	saKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("service-account key: %w", err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&saKey.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("service-account public key: %w", err)
	}
	p.SAKey = pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(saKey)})
	p.SAPub = pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})
	return p, nil
}

// sign makes a certificate from tmpl for key, signed by parent and
// parentKey, or self-signed when parent is nil.
func sign(tmpl *x509.Certificate, key *ecdsa.PrivateKey, parent *x509.Certificate, parentKey crypto.Signer) (*x509.Certificate, keyPair, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, keyPair{}, err
	}
	tmpl.SerialNumber = serial
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), parentKey)
	if err != nil {
		return nil, keyPair{}, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, keyPair{}, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, keyPair{}, err
	}
	return cert, keyPair{
		CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		KeyPEM:  pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}),
	}, nil
}

// pkiFiles are the paths the control plane's flags name.
type pkiFiles struct {
	CACert, APIServerCert, APIServerKey, SAKey, SAPub string
}

// write stores the files the binaries read in dir, private keys with mode
// 0600.
func (p *pki) write(dir string) (pkiFiles, error) {
	f := pkiFiles{
		CACert:        filepath.Join(dir, "ca.crt"),
		APIServerCert: filepath.Join(dir, "apiserver.crt"),
		APIServerKey:  filepath.Join(dir, "apiserver.key"),
		SAKey:         filepath.Join(dir, "sa.key"),
		SAPub:         filepath.Join(dir, "sa.pub"),
	}
	for _, w := range []struct {
		path string
		data []byte
		mode os.FileMode
	}{
		{f.CACert, p.CA.CertPEM, 0o644},
		{f.APIServerCert, p.APIServer.CertPEM, 0o644},
		{f.APIServerKey, p.APIServer.KeyPEM, 0o600},
		{f.SAKey, p.SAKey, 0o600},
		{f.SAPub, p.SAPub, 0o644},
	} {
		if err := os.WriteFile(w.path, w.data, w.mode); err != nil {
			return pkiFiles{}, err
		}
	}
	return f, nil
}
