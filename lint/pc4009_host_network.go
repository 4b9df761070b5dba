package lint

var ruleHostNetwork = &Rule{
	ID:       "PC4009",
	Name:     "host-network",
	Title:    "pod shares the node's network namespace",
	Category: Security,
	Severity: warningSev,
	Doc: `hostNetwork: true in a run's podTemplate puts the task's pods in the node's
own network namespace: they can reach every service bound to the node's
loopback (the kubelet's read-only port, node-local agents), sniff and bind
the node's ports, and bypass network policies. Builds do not need that.
(Tekton's podTemplate has no hostPID or hostIPC.)`,
	Bad: `apiVersion: tekton.dev/v1
kind: TaskRun
metadata:
  name: build-1
spec:
  podTemplate:
    hostNetwork: true
  taskSpec:
    steps:
      - name: build
        image: alpine:3.20
        command: [echo, build]
`,
	Good: `apiVersion: tekton.dev/v1
kind: TaskRun
metadata:
  name: build-1
spec:
  podTemplate:
    dnsPolicy: ClusterFirst
  taskSpec:
    steps:
      - name: build
        image: alpine:3.20
        command: [echo, build]
`,
	Run: runHostNamespaces,
}

func runHostNamespaces(p *Pass) {
	for _, pt := range p.podTemplates() {
		if v := pt.Get("hostNetwork"); isTrue(v) {
			p.Reportf(v.Range(), "the podTemplate sets hostNetwork").
				Explain("The task's pods share the node's network namespace and bypass network policies; remove hostNetwork.")
		}
	}
}
