package compiler

import (
	"fmt"
	"io"
	"strings"
)

// arrows returns each dependency of the graph once, in declaration order:
// a task may both run after another and use its results, which is drawn as
// the runAfter.
func (g *Graph) arrows() []Edge {
	var out []Edge
	for _, t := range g.Tasks {
		at := map[string]int{}
		for _, e := range g.Edges(t.Name.Value) {
			if i, ok := at[e.To]; ok {
				if e.Kind == RunAfter {
					out[i].Kind = RunAfter
				}
				continue
			}
			at[e.To] = len(out)
			out = append(out, e)
		}
	}
	return out
}

// WriteDOT writes the graph in Graphviz's DOT language: an arrow from each
// task to the tasks that wait for it (the order they run in), solid for
// runAfter, dashed for a result used, dotted for a PipelineResource "from";
// finally tasks in a cluster of their own, after everything.
func (g *Graph) WriteDOT(w io.Writer, name string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %s {\n\trankdir=LR;\n\tnode [shape=box];\n", dotID(name))
	for _, t := range g.Tasks {
		fmt.Fprintf(&b, "\t%s;\n", dotID(t.Name.Value))
	}
	style := [...]string{RunAfter: "solid", ResultRef: "dashed", From: "dotted"}
	for _, e := range g.arrows() {
		fmt.Fprintf(&b, "\t%s -> %s [style=%s];\n", dotID(e.To), dotID(e.From), style[e.Kind])
	}
	if len(g.Finally) > 0 {
		b.WriteString("\tsubgraph cluster_finally {\n\t\tlabel=\"finally\";\n")
		for _, t := range g.Finally {
			fmt.Fprintf(&b, "\t\t%s;\n", dotID(t.Name.Value))
		}
		b.WriteString("\t}\n")
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteMermaid writes the graph as a Mermaid flowchart, with the same arrows
// as WriteDOT: solid for runAfter, dotted for results and resources.
func (g *Graph) WriteMermaid(w io.Writer) error {
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	ids := map[string]string{}
	id := func(name string) string {
		if v, ok := ids[name]; ok {
			return v
		}
		v := fmt.Sprintf("t%d", len(ids))
		ids[name] = v
		return v
	}
	for _, t := range g.Tasks {
		fmt.Fprintf(&b, "  %s[%q]\n", id(t.Name.Value), t.Name.Value)
	}
	for _, e := range g.arrows() {
		arrow := "-->"
		if e.Kind != RunAfter {
			arrow = "-.->"
		}
		fmt.Fprintf(&b, "  %s %s %s\n", id(e.To), arrow, id(e.From))
	}
	if len(g.Finally) > 0 {
		b.WriteString("  subgraph finally\n")
		for _, t := range g.Finally {
			fmt.Fprintf(&b, "    %s[%q]\n", id(t.Name.Value), t.Name.Value)
		}
		b.WriteString("  end\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// dotID quotes a name for DOT.
func dotID(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
