package cli

import (
	"github.com/spf13/cobra"

	"github.com/pipec-dev/pipec/step"
)

// newInstallCmd is `pipec install DIR`, run by the pipec-init init container.
func newInstallCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "install DIR",
		Short: "Copy this pipec binary to DIR/pipec (runtime: the pipec-init container)",
		Long: `Install copies the running pipec executable to DIR/pipec, mode 0755,
renaming it into place so that no step sees a partial file. Compiled pods run
it as their first init container to put the step wrapper on a shared volume.`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			return step.Install(args[0])
		},
	}
}
