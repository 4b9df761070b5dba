package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/pipec-dev/pipec/compiler"
	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/lint"
	"github.com/pipec-dev/pipec/load"
	"github.com/pipec-dev/pipec/report"
)

// lintFlags are the options of pipec lint.
type lintFlags struct {
	format    string
	includes  []string
	config    string
	failLevel string
	color     string
	listRules bool
}

func newLintCmd(stdio IO) *cobra.Command {
	var f lintFlags
	cmd := &cobra.Command{
		Use:   "lint [flags] PATH...",
		Short: "Check Tekton YAML or CUE files",
		Long: `Lint reads files and directories (recursively: *.yaml, *.yml, *.cue; "-"
for stdin), validates every Tekton object against pipec's schemas, checks
every $(…) reference, the objects' references to each other and the task
graph, runs the lint rules, and reports what it finds.

The configuration is .pipec.yaml, looked up in the working directory and its
parents (--config FILE names another, --config "" uses none). It turns rules
on and off, sets their severity, excludes files and sets the fail level.
Findings are suppressed with "# pipec:ignore ID reason". pipec lint
--list-rules lists every rule, pipec explain ID documents one.

Exit status: 0 when nothing reaches the fail level, 1 when something does,
2 for a usage, configuration or I/O error.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := lintConfig(cmd, f.config)
			if err != nil {
				return err
			}
			if f.listRules {
				if len(args) > 0 {
					return fmt.Errorf("--list-rules takes no paths")
				}
				return listRules(stdio.Out, cfg, f.format)
			}
			if len(args) == 0 {
				return fmt.Errorf("no paths to lint; give files, directories or - for stdin")
			}
			failLevel, err := lintFailLevel(f.failLevel, cfg)
			if err != nil {
				return err
			}
			color, err := useColor(f.color, stdio.Out)
			if err != nil {
				return err
			}
			if _, err := report.New(f.format); err != nil {
				return err
			}
			set, err := load.Paths(args, stdio.In)
			if err != nil {
				return err
			}
			var lib *compiler.Library
			if len(f.includes) > 0 {
				if lib, err = compiler.LoadLibrary(f.includes); err != nil {
					return err
				}
			}
			res := lint.Run(set, lint.Options{Library: lib, Config: cfg})
			opts := report.Options{Color: color, Suppressed: res.Suppressed}
			if f.format == "sarif" {
				opts.Tool = toolInfo()
			}
			out, _ := report.NewWith(f.format, opts)
			if err := out.Format(stdio.Out, res.Diags, report.NewSources(set.Files)); err != nil {
				return err
			}
			for _, d := range res.Diags {
				if d.Severity.AtLeast(failLevel) {
					return exitError{ExitFindings}
				}
			}
			return nil
		},
	}
	cmd.Flags().StringArrayVarP(&f.includes, "include", "I", nil, "directory to search for referenced Tasks and Pipelines (repeatable)")
	cmd.Flags().StringVarP(&f.format, "format", "f", "text", "output format: text, json, sarif or github")
	cmd.Flags().StringVar(&f.config, "config", "", `configuration file (default: .pipec.yaml in the working directory or a parent; "" for none)`)
	cmd.Flags().StringVar(&f.failLevel, "fail-level", "", "least severity that fails the run: error, warning or info (default: the configuration's, else error)")
	cmd.Flags().StringVar(&f.color, "color", "auto", "colour the text output: auto (on a terminal, unless NO_COLOR is set), always or never")
	cmd.Flags().BoolVar(&f.listRules, "list-rules", false, "list every rule and code with its configured setting, and exit")
	return cmd
}

// lintConfig reads the configuration named by --config, or discovers one
// from the working directory upwards. --config "" means none.
func lintConfig(cmd *cobra.Command, path string) (*lint.Config, error) {
	if !cmd.Flags().Changed("config") {
		wd, err := os.Getwd()
		if err != nil {
			return nil, err
		}
		if path, err = lint.FindConfig(wd); err != nil {
			return nil, err
		}
	}
	if path == "" {
		return nil, nil
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	return lint.ReadConfig(abs)
}

// lintFailLevel resolves the fail level: the flag, the configuration, or
// error.
func lintFailLevel(flag string, cfg *lint.Config) (diag.Severity, error) {
	switch {
	case flag != "":
		sev, err := diag.ParseSeverity(flag)
		if err != nil {
			return 0, fmt.Errorf("--fail-level: %v", err)
		}
		return sev, nil
	case cfg != nil && cfg.FailLevel != nil:
		return *cfg.FailLevel, nil
	}
	return diag.Error, nil
}

// useColor decides whether text output is coloured: always, never, or on a
// terminal when NO_COLOR is unset or empty and TERM is not dumb.
func useColor(mode string, out io.Writer) (bool, error) {
	switch mode {
	case "always":
		return true, nil
	case "never":
		return false, nil
	case "auto":
	default:
		return false, fmt.Errorf("--color must be auto, always or never, not %q", mode)
	}
	if os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false, nil
	}
	f, ok := out.(*os.File)
	if !ok {
		return false, nil
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0, nil
}

// toolInfo describes pipec and its rules for SARIF.
func toolInfo() report.Tool {
	t := report.Tool{Name: "pipec", Version: Version(), InformationURI: "https://github.com/pipec-dev/pipec"}
	for _, r := range lint.Rules() {
		t.Rules = append(t.Rules, report.Rule{
			ID: r.ID, Name: r.Name, Title: r.Title, Doc: r.Doc, HelpURI: r.HelpURI(), Help: explainMarkdown(r),
			Category: string(r.Category), Severity: r.Severity, Off: r.Off,
		})
	}
	return t
}

// listRules prints every rule with the setting the configuration gives it.
func listRules(w io.Writer, cfg *lint.Config, format string) error {
	switch format {
	case "json":
		type entry struct {
			ID         string `json:"id"`
			Name       string `json:"name"`
			Category   string `json:"category"`
			Setting    string `json:"setting"`
			Default    string `json:"default"`
			TektonLint string `json:"tektonLint,omitempty"`
			Title      string `json:"title"`
			HelpURI    string `json:"helpUri"`
		}
		var out []entry
		for _, r := range lint.Rules() {
			out = append(out, entry{r.ID, r.Name, string(r.Category), cfg.Setting(r), r.DefaultSetting(), r.TektonLint, r.Title, r.HelpURI()})
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case "text":
	default:
		return fmt.Errorf("--list-rules prints text or json, not %s", format)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tSETTING\tCATEGORY\tTITLE")
	for _, c := range lint.Categories {
		for _, r := range lint.Rules() {
			if r.Category == c {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.Name, cfg.Setting(r), r.Category, r.Title)
			}
		}
	}
	return tw.Flush()
}
