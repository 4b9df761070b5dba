package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pipec-dev/pipec/compiler"
	"github.com/pipec-dev/pipec/load"
)

func newGraphCmd(stdio IO) *cobra.Command {
	var format, only string
	var includes []string
	cmd := &cobra.Command{
		Use:   "graph [flags] PATH...",
		Short: "Draw pipelines' task graphs as DOT or Mermaid",
		Long: `Graph prints the task graph of every Pipeline of the input (and of every
PipelineRun's inline pipelineSpec), or of the one named by --pipeline: an
arrow from each task to the tasks that wait for it — solid for runAfter,
dashed (dotted in Mermaid) where a task uses another's results — and the
finally tasks apart. The graph is the one pipec compile runs in; problems
in the input are not reported here (pipec lint does that).

  pipec graph ci/ | dot -Tsvg > graph.svg`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "dot" && format != "mermaid" {
				return fmt.Errorf("unknown format %q (want dot or mermaid)", format)
			}
			set, err := load.Paths(args, stdio.In)
			if err != nil {
				return err
			}
			var lib *compiler.Library
			if len(includes) > 0 {
				if lib, err = compiler.LoadLibrary(includes); err != nil {
					return err
				}
			}
			prog := compiler.CheckSet(set, compiler.Options{Library: lib})
			type named struct {
				name string
				g    *compiler.Graph
			}
			var graphs []named
			for _, p := range prog.Set.Pipelines {
				graphs = append(graphs, named{p.Name.Value, prog.Graphs[p.Spec]})
			}
			for _, r := range prog.Set.PipelineRuns {
				if r.PipelineSpec != nil {
					graphs = append(graphs, named{r.Name.Value, prog.Graphs[r.PipelineSpec]})
				}
			}
			n := 0
			for _, g := range graphs {
				if g.g == nil || only != "" && g.name != only {
					continue
				}
				if n > 0 {
					fmt.Fprintln(stdio.Out)
				}
				n++
				if format == "dot" {
					err = g.g.WriteDOT(stdio.Out, g.name)
				} else {
					fmt.Fprintf(stdio.Out, "%%%% %s\n", g.name)
					err = g.g.WriteMermaid(stdio.Out)
				}
				if err != nil {
					return err
				}
			}
			if n == 0 {
				if only != "" {
					return fmt.Errorf("no Pipeline or PipelineRun named %q in the input", only)
				}
				return fmt.Errorf("the input has no Pipeline and no PipelineRun with a pipelineSpec")
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "dot", "dot or mermaid")
	cmd.Flags().StringVar(&only, "pipeline", "", "draw only the Pipeline (or PipelineRun) of this name")
	cmd.Flags().StringArrayVarP(&includes, "include", "I", nil, "directory to search for referenced Tasks (repeatable)")
	return cmd
}
