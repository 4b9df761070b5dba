package step

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"path/filepath"
)

// dockerConfig is ~/.docker/config.json. Entries read from dockerconfigjson
// and dockercfg secrets are kept as they are, so fields such as
// identitytoken survive.
type dockerConfig struct {
	Auths map[string]json.RawMessage `json:"auths"`
}

// dockerBasicEntry is the entry a basic-auth secret becomes, with the fields
// and the placeholder email Tekton writes (old docker clients required one).
type dockerBasicEntry struct {
	Username string `json:"username,omitempty"`
	Password string `json:"password,omitempty"`
	Auth     string `json:"auth"`
	Email    string `json:"email,omitempty"`
}

// writeDockerCreds writes ~/.docker/config.json. Later sources win for the
// same registry, in Tekton's order: dockercfg secrets, then dockerconfigjson
// secrets, then basic-auth secrets.
func writeDockerCreds(c Creds, p Paths, home string) error {
	if len(c.BasicDocker)+len(c.DockerConfig)+len(c.DockerCfg) == 0 {
		return nil
	}
	if err := uniqueURLs("basic-docker", c.BasicDocker); err != nil {
		return err
	}
	auths := make(map[string]json.RawMessage)
	for _, s := range c.DockerCfg {
		text, err := readSecret(p, s, keyDockercfg)
		if err != nil {
			return err
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(text), &m); err != nil {
			return fmt.Errorf("secret %q: %s: %w", s, keyDockercfg, err)
		}
		for k, v := range m {
			auths[k] = v
		}
	}
	for _, s := range c.DockerConfig {
		text, err := readSecret(p, s, keyDockerConfigJSON)
		if err != nil {
			return err
		}
		var cfg dockerConfig
		if err := json.Unmarshal([]byte(text), &cfg); err != nil {
			return fmt.Errorf("secret %q: %s: %w", s, keyDockerConfigJSON, err)
		}
		for k, v := range cfg.Auths {
			auths[k] = v
		}
	}
	for _, su := range c.BasicDocker {
		user, pass, err := readBasicAuth(p, su.Secret)
		if err != nil {
			return err
		}
		entry, err := json.Marshal(dockerBasicEntry{
			Username: user,
			Password: pass,
			Auth:     base64.StdEncoding.EncodeToString([]byte(user + ":" + pass)),
			Email:    "not@val.id",
		})
		if err != nil {
			return err
		}
		auths[su.URL] = entry
	}
	if len(auths) == 0 {
		return nil
	}
	content, err := json.Marshal(dockerConfig{Auths: auths})
	if err != nil {
		return err
	}
	return writePrivate(filepath.Join(home, ".docker", "config.json"), content)
}
