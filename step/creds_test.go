package step_test

import (
	"os"
	"path/filepath"
	"testing"
)

// secret mounts a secret the way Kubernetes does: one file per key.
func (p *pod) secret(name string, data map[string]string) {
	for k, v := range data {
		p.write(filepath.Join(p.tekton, "creds-secrets", name, k), v)
	}
}

func (p *pod) wantFile(t *testing.T, rel, want string) {
	t.Helper()
	path := filepath.Join(p.home, rel)
	if got := p.read(path); got != want {
		t.Errorf("%s:\n%s\nwant:\n%s", rel, got, want)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("%s: mode %v, want 0600", rel, fi.Mode().Perm())
	}
}

func TestDockerCredentials(t *testing.T) {
	p := newPod(t)
	p.secret("hub", map[string]string{"username": "user", "password": "pass"})
	p.secret("cfgjson", map[string]string{".dockerconfigjson": `{"auths":{
		"ghcr.io":{"auth":"abc","identitytoken":"tok"},
		"https://index.docker.io/v1/":{"auth":"old"}}}`})
	p.secret("cfg", map[string]string{".dockercfg": `{"quay.io":{"auth":"q"},"ghcr.io":{"auth":"older"}}`})
	r := p.run([]string{"--name", "s",
		"--basic-docker", "hub=https://index.docker.io/v1/", "--docker-config", "cfgjson", "--docker-cfg", "cfg",
		"--", "true"})
	r.wantCode(t, 0)
	// Basic auth beats dockerconfigjson beats dockercfg, as in Tekton; other
	// fields of an entry survive.
	p.wantFile(t, ".docker/config.json", `{"auths":{`+
		`"ghcr.io":{"auth":"abc","identitytoken":"tok"},`+
		`"https://index.docker.io/v1/":{"username":"user","password":"pass","auth":"dXNlcjpwYXNz","email":"not@val.id"},`+
		`"quay.io":{"auth":"q"}}}`)
}

// TestCredentialsPath checks that credentials are also written where
// $(credentials.path) points when the pod has that directory, and not made
// up when it does not.
func TestCredentialsPath(t *testing.T) {
	p := newPod(t)
	p.secret("hub", map[string]string{"username": "user", "password": "pass"})
	credsHome := filepath.Join(p.tekton, "creds")
	r := p.run([]string{"--name", "s", "--basic-docker", "hub=https://index.docker.io/v1/", "--", "true"})
	r.wantCode(t, 0)
	if _, err := os.Stat(credsHome); !os.IsNotExist(err) {
		t.Fatalf("%s was created: %v", credsHome, err)
	}
	if err := os.MkdirAll(credsHome, 0o700); err != nil {
		t.Fatal(err)
	}
	r = p.run([]string{"--name", "s", "--basic-docker", "hub=https://index.docker.io/v1/", "--", "true"})
	r.wantCode(t, 0)
	home := p.read(filepath.Join(p.home, ".docker", "config.json"))
	if got := p.read(filepath.Join(credsHome, ".docker", "config.json")); got != home || got == "" {
		t.Errorf("credentials.path has %q, $HOME has %q", got, home)
	}
}

func TestGitBasicCredentials(t *testing.T) {
	p := newPod(t)
	p.secret("gh", map[string]string{"username": "bot", "password": "p@ss word"})
	p.secret("gl", map[string]string{"username": `dom\user`, "password": "x"})
	r := p.run([]string{"--name", "s",
		"--basic-git", "gh=https://github.com", "--basic-git", "gl=https://gitlab.com/group",
		"--", "true"})
	r.wantCode(t, 0)
	p.wantFile(t, ".gitconfig", "[credential]\n\thelper = store\n"+
		"[credential \"https://github.com\"]\n\tusername = bot\n"+
		"[credential \"https://gitlab.com/group\"]\n\tusername = dom\\\\user\n")
	p.wantFile(t, ".git-credentials", "https://bot:p%40ss%20word@github.com\nhttps://dom%5Cuser:x@gitlab.com/group\n")
}

func TestGitSSHCredentials(t *testing.T) {
	p := newPod(t)
	p.secret("k1", map[string]string{"ssh-privatekey": "KEY1\n", "known_hosts": "github.com ssh-ed25519 AAA"})
	p.secret("k2", map[string]string{"ssh-privatekey": "KEY2\n"})
	p.secret("k3", map[string]string{"ssh-privatekey": "KEY3\n", "known_hosts": "[git.example.com]:2222 ssh-rsa BBB"})
	r := p.run([]string{"--name", "s",
		"--ssh-git", "k1=github.com", "--ssh-git", "k3=git.example.com:2222", "--ssh-git", "k2=github.com",
		"--", "true"})
	r.wantCode(t, 0)
	ssh := filepath.Join(p.home, ".ssh")
	p.wantFile(t, ".ssh/id_k1", "KEY1\n")
	p.wantFile(t, ".ssh/id_k2", "KEY2\n")
	p.wantFile(t, ".ssh/id_k3", "KEY3\n")
	p.wantFile(t, ".ssh/config", "Host github.com\n    HostName github.com\n    Port 22\n"+
		"    IdentityFile "+ssh+"/id_k1\n    IdentityFile "+ssh+"/id_k2\n"+
		"Host git.example.com\n    HostName git.example.com\n    Port 2222\n"+
		"    IdentityFile "+ssh+"/id_k3\n")
	p.wantFile(t, ".ssh/known_hosts", "github.com ssh-ed25519 AAA\n[git.example.com]:2222 ssh-rsa BBB")
	fi, err := os.Stat(ssh)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o700 {
		t.Errorf(".ssh: mode %v, want 0700", fi.Mode().Perm())
	}
}

func TestCredentialErrorsStopTheStep(t *testing.T) {
	p := newPod(t)
	p.secret("gh", map[string]string{"username": "bot", "password": "x"})
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--basic-git", "missing=https://github.com"}, `git credentials: secret "missing"`},
		{[]string{"--basic-git", "gh=https://github.com", "--basic-git", "gh=https://github.com"},
			`secrets "gh" and "gh" both for https://github.com`},
		{[]string{"--docker-config", "gh"}, `docker credentials: secret "gh"`},
	} {
		args := append(append([]string{"--name", "s", "--on-error", "continue"}, tc.args...), "--", "echo", "ran")
		r := p.run(args)
		r.wantCode(t, 1)
		r.wantStderrContains(t, tc.want)
		if r.stdout != "" {
			t.Errorf("%q: the step ran", tc.args)
		}
	}
}
