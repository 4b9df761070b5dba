package cli

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/pipec-dev/pipec/schema/tekton"
)

func newSchemaCmd(stdio IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "schema",
		Short: "Work with pipec's CUE schemas of the Tekton API",
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "export [DIR]",
		Short: "Vendor the schemas into DIR/cue.mod/pkg/pipec.dev/tekton for the cue command",
		Long: `Export writes pipec's CUE schemas into the cue.mod/pkg directory of the CUE
module at DIR (default "."), so that "cue vet" checks your files against the
same definitions as pipec. Import them as "pipec.dev/tekton/v1" and so on.
Re-run it after upgrading pipec.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			if err := tekton.Export(dir); err != nil {
				return err
			}
			_, err := fmt.Fprintf(stdio.Out, "wrote %s\n", filepath.Join(dir, "cue.mod", "pkg", "pipec.dev", "tekton"))
			return err
		},
	})
	return cmd
}
