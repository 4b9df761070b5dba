package step

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Keys of the mounted secrets, as Kubernetes names them for each secret type.
const (
	keyUsername         = "username"          // kubernetes.io/basic-auth
	keyPassword         = "password"          // kubernetes.io/basic-auth
	keySSHPrivateKey    = "ssh-privatekey"    // kubernetes.io/ssh-auth
	keyKnownHosts       = "known_hosts"       // optional, next to ssh-privatekey
	keyDockerConfigJSON = ".dockerconfigjson" // kubernetes.io/dockerconfigjson
	keyDockercfg        = ".dockercfg"        // kubernetes.io/dockercfg
)

// writeCreds turns the mounted secrets named by c into the files docker, git
// and ssh look for in home, in the formats Tekton's creds-init writes, so a
// step sees what it would see under Tekton. Files are private to the user.
func writeCreds(c Creds, p Paths, home string) error {
	if home == "" {
		return errors.New("credentials: $HOME is not set")
	}
	if err := writeDockerCreds(c, p, home); err != nil {
		return fmt.Errorf("docker credentials: %w", err)
	}
	if err := writeGitBasicCreds(c.BasicGit, p, home); err != nil {
		return fmt.Errorf("git credentials: %w", err)
	}
	if err := writeGitSSHCreds(c.SSHGit, p, home); err != nil {
		return fmt.Errorf("ssh credentials: %w", err)
	}
	return nil
}

// readSecret reads one key of a secret mounted at /tekton/creds-secrets.
func readSecret(p Paths, secret, key string) (string, error) {
	b, err := os.ReadFile(filepath.Join(p.secret(secret), key))
	if err != nil {
		return "", fmt.Errorf("secret %q: %w", secret, err)
	}
	return string(b), nil
}

// readBasicAuth reads the username and password of a basic-auth secret.
func readBasicAuth(p Paths, secret string) (user, pass string, err error) {
	if user, err = readSecret(p, secret, keyUsername); err != nil {
		return "", "", err
	}
	if pass, err = readSecret(p, secret, keyPassword); err != nil {
		return "", "", err
	}
	return user, pass, nil
}

// writePrivate writes a file only its owner can read, in a directory only
// its owner can enter.
func writePrivate(path string, content []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(path, content, 0o600); err != nil {
		return err
	}
	// The file may have existed with a looser mode.
	return os.Chmod(path, 0o600)
}

// uniqueURLs refuses two secrets for one URL, as Tekton does for basic auth:
// which one wins would be an accident of order.
func uniqueURLs(flag string, l []SecretURL) error {
	seen := make(map[string]string, len(l))
	for _, su := range l {
		if prev, ok := seen[su.URL]; ok {
			return fmt.Errorf("--%s: secrets %q and %q both for %s", flag, prev, su.Secret, su.URL)
		}
		seen[su.URL] = su.Secret
	}
	return nil
}
