// Command pipec lints Tekton pipelines and compiles them into Kubernetes
// manifests. See the README for usage.
package main

import (
	"os"

	"github.com/pipec-dev/pipec/internal/cli"
)

func main() { os.Exit(cli.Main()) }
