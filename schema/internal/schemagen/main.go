// Command schemagen writes pipec's generated schema files; go generate in
// package schema runs it.
package main

import (
	"fmt"
	"os"

	"github.com/pipec-dev/pipec/schema/internal/gen"
)

func main() {
	if err := gen.WriteAll("."); err != nil {
		fmt.Fprintln(os.Stderr, "schemagen:", err)
		os.Exit(1)
	}
}
