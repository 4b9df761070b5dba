package lint

var ruleImageDigest = &Rule{
	ID:       "PC4005",
	Name:     "image-digest",
	Title:    "image not pinned by digest",
	Category: Security,
	Severity: infoSev,
	Doc: `A tag can be moved to another image by whoever can push to the repository;
a digest cannot. Pinning images by digest (keeping the tag for readers,
image:1.2.3@sha256:…) makes a build reproducible and closes the supply-chain
gap. Images without a tag or tagged latest are reported by PC4004 instead.`,
	Bad: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: lint
spec:
  steps:
    - name: lint
      image: golangci/golangci-lint:v1.60.3
      command: [golangci-lint, run]
`,
	Good: `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: lint
spec:
  steps:
    - name: lint
      image: golangci/golangci-lint:v1.60.3@sha256:8e6e2ff6e3ba3e0ea0a0a3b9f1d1e1f5a4f1f3b0c2a7d2d8a1f0e9c8b7a6d5c4
      command: [golangci-lint, run]
`,
	Run: runImageDigest,
}

func runImageDigest(p *Pass) {
	for _, u := range p.images() {
		im := parseImage(u.node.Value)
		if im.digest == "" && im.tag != "" && im.tag != "latest" {
			u.report(p, "image %s is not pinned by digest", u.node.Value).
				Explain("Append the digest of the image the tag names now: %s:%s@sha256:….", im.name, im.tag)
		}
	}
}
