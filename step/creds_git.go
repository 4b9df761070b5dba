package step

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"path/filepath"
	"strings"
)

// writeGitBasicCreds writes ~/.gitconfig, which tells git to use the store
// credential helper and which user to be on each server, and
// ~/.git-credentials, the store helper's file of https://user:password@host
// lines.
func writeGitBasicCreds(l []SecretURL, p Paths, home string) error {
	if len(l) == 0 {
		return nil
	}
	if err := uniqueURLs("basic-git", l); err != nil {
		return err
	}
	var config, store strings.Builder
	config.WriteString("[credential]\n\thelper = store\n")
	for _, su := range l {
		user, pass, err := readBasicAuth(p, su.Secret)
		if err != nil {
			return err
		}
		u, err := url.Parse(su.URL)
		if err != nil {
			return fmt.Errorf("--basic-git %s=%s: %w", su.Secret, su.URL, err)
		}
		u.User = url.UserPassword(user, pass)
		// A backslash starts an escape in a git config value.
		fmt.Fprintf(&config, "[credential %q]\n\tusername = %s\n", su.URL, strings.ReplaceAll(user, `\`, `\\`))
		store.WriteString(u.String() + "\n")
	}
	if err := writePrivate(filepath.Join(home, ".gitconfig"), []byte(config.String())); err != nil {
		return err
	}
	return writePrivate(filepath.Join(home, ".git-credentials"), []byte(store.String()))
}

// writeGitSSHCreds writes each secret's key to ~/.ssh/id_SECRET, a
// ~/.ssh/config entry per server naming its keys, and ~/.ssh/known_hosts
// from the secrets that carry one. Several secrets may serve one server.
func writeGitSSHCreds(l []SecretURL, p Paths, home string) error {
	if len(l) == 0 {
		return nil
	}
	dir := filepath.Join(home, ".ssh")
	var order []string
	byURL := make(map[string][]string)
	for _, su := range l {
		if _, ok := byURL[su.URL]; !ok {
			order = append(order, su.URL)
		}
		byURL[su.URL] = append(byURL[su.URL], su.Secret)
	}
	var config strings.Builder
	var knownHosts []string
	for _, server := range order {
		host, port, err := net.SplitHostPort(server)
		if err != nil {
			host, port = server, "22"
		}
		fmt.Fprintf(&config, "Host %s\n    HostName %s\n    Port %s\n", host, host, port)
		for _, secret := range byURL[server] {
			key, err := readSecret(p, secret, keySSHPrivateKey)
			if err != nil {
				return err
			}
			path := filepath.Join(dir, "id_"+secret)
			if err := writePrivate(path, []byte(key)); err != nil {
				return err
			}
			fmt.Fprintf(&config, "    IdentityFile %s\n", path)
			kh, err := readSecret(p, secret, keyKnownHosts)
			switch {
			case errors.Is(err, fs.ErrNotExist):
			case err != nil:
				return err
			case kh != "":
				knownHosts = append(knownHosts, kh)
			}
		}
	}
	if err := writePrivate(filepath.Join(dir, "config"), []byte(config.String())); err != nil {
		return err
	}
	if len(knownHosts) == 0 {
		return nil
	}
	return writePrivate(filepath.Join(dir, "known_hosts"), []byte(strings.Join(knownHosts, "\n")))
}
