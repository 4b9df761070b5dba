package lint

import "strings"

var ruleCapabilities = &Rule{
	ID:       "PC4008",
	Name:     "dangerous-capabilities",
	Title:    "container adds dangerous capabilities or allows privilege escalation",
	Category: Security,
	Severity: warningSev,
	Doc: `Adding SYS_ADMIN, NET_ADMIN, SYS_PTRACE, SYS_MODULE, DAC_READ_SEARCH or ALL
to a container gives it most of what privileged: true gives (PC4002), and
allowPrivilegeEscalation: true lets a setuid binary in the image become
root. Build steps seldom need either; drop them, or document the reason
with a suppression.`,
	Bad: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: debug
spec:
  steps:
    - name: trace
      image: alpine:3.20
      command: [strace, -f, ./app]
      securityContext:
        capabilities:
          add: [SYS_PTRACE]
`,
	Good: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: debug
spec:
  steps:
    - name: trace
      image: alpine:3.20
      command: [./app]
      securityContext:
        allowPrivilegeEscalation: false
        capabilities:
          drop: [ALL]
`,
	Run: runCapabilities,
}

var dangerousCaps = []string{"ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "SYS_MODULE", "DAC_READ_SEARCH", "SYS_RAWIO", "BPF"}

func runCapabilities(p *Pass) {
	for _, c := range p.Containers() {
		sc := c.Node.Get("securityContext")
		for _, e := range sc.Path("capabilities", "add").Items() {
			name := strings.TrimPrefix(strings.ToUpper(e.Value), "CAP_")
			for _, d := range dangerousCaps {
				if name == d {
					p.Reportf(e.Range(), "%s adds the capability %s", c.What(), e.Value).
						Explain("%s gives the container powers close to a privileged one. Drop it unless the step cannot work without it.", d)
				}
			}
		}
		if v := sc.Get("allowPrivilegeEscalation"); isTrue(v) {
			p.Reportf(v.Range(), "%s allows privilege escalation", c.What()).
				Explain("A setuid binary in the image can then become root. Set allowPrivilegeEscalation: false.")
		}
	}
}
