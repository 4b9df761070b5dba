package lint

import (
	"strings"
)

var ruleLiteralSecret = &Rule{
	ID:       "PC4006",
	Name:     "literal-secret",
	Title:    "secret written as a literal env value",
	Category: Security,
	Severity: warningSev,
	Doc: `A password or token written as the value of an environment variable is in
the repository, in the cluster's etcd, and in the pod spec that anyone who
can read pods sees. Store it in a Secret and read it with valueFrom.secretKeyRef,
or mount the Secret through a workspace. A value is reported when its
variable's name says it holds a secret (PASSWORD, TOKEN, SECRET, API_KEY,
PRIVATE_KEY, CREDENTIALS…) and it is neither empty, a reference, a path nor
a file name; or when the value itself has the shape of a well-known
credential (an AWS access key, a GitHub or Slack token, a private key).`,
	Bad: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: publish
spec:
  steps:
    - name: publish
      image: alpine:3.20
      command: [./publish.sh]
      env:
        - name: REGISTRY_PASSWORD
          value: hunter2-s3cr3t
`,
	Good: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: publish
spec:
  steps:
    - name: publish
      image: alpine:3.20
      command: [./publish.sh]
      env:
        - name: REGISTRY_PASSWORD
          valueFrom:
            secretKeyRef:
              name: registry
              key: password
`,
	Run: runLiteralSecret,
}

var (
	secretName = lazyRegexp(`(?i)(^|_)(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|SECRET_?KEY|CREDENTIALS?|AUTH)($|_)`)
	// notSecretName are names that hold where a secret is, not the secret.
	notSecretName = lazyRegexp(`(?i)_(PATH|FILE|DIR|NAME|ID|URL|HOST|TYPE|KEY_ID|REF|ENABLED|LENGTH)$|^(SECRET|TOKEN)_?(PATH|FILE|DIR|NAME)`)
	secretValue   = lazyRegexp(`\b(AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,}|xox[baprs]-[A-Za-z0-9-]{10,}|glpat-[A-Za-z0-9_-]{20})\b|-----BEGIN [A-Z ]*PRIVATE KEY-----`)
)

// looksSecret reports whether a literal env value of the named variable is
// probably a secret.
func looksSecret(name, value string) bool {
	if len(value) >= 20 && secretValue().MatchString(value) {
		return true
	}
	v := strings.TrimSpace(value)
	if !secretName().MatchString(name) || notSecretName().MatchString(name) || len(v) < 4 ||
		strings.HasPrefix(v, "/") || strings.HasPrefix(v, "~") || strings.HasPrefix(v, "$") ||
		strings.Contains(v, "$(") || strings.ContainsAny(v, " \t") {
		return false
	}
	switch strings.ToLower(v) {
	case "true", "false", "none", "null", "changeme", "required", "optional", "basic", "bearer":
		return false
	}
	// A file name (token.txt, id_rsa.pub) names where the secret is.
	if i := strings.LastIndexByte(v, '.'); i > 0 && i >= len(v)-5 && !strings.ContainsAny(v[i:], "0123456789") {
		return false
	}
	return true
}

func runLiteralSecret(p *Pass) {
	for _, c := range p.Containers() {
		for _, e := range c.Node.Get("env").Items() {
			name, v := e.Str("name"), e.Get("value")
			if v == nil || !v.IsScalar() || !looksSecret(name, v.Value) {
				continue
			}
			p.Reportf(v.Range(), "env %s of %s holds a literal secret", name, c.What()).
				Explain("Anyone who can read the repository or the pod sees it. Put it in a Secret and use valueFrom: {secretKeyRef: {name: SECRET, key: KEY}}.")
		}
	}
}
