package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/pipec-dev/pipec/diag"
)

// GitHub writes GitHub Actions workflow commands, one per diagnostic, which
// the runner turns into annotations on the pull request:
//
//	::error file=task.yaml,line=7,endLine=7,col=21,endColumn=39,title=PC1001::param "imag-tag" is not declared
//
// Info diagnostics become notices. Values are escaped as the workflow
// command syntax requires: "%", CR and LF everywhere, and ":" and "," in
// properties.
type GitHub struct{}

func (GitHub) Format(w io.Writer, ds []diag.Diagnostic, _ Sources) error {
	var b strings.Builder
	for _, d := range ds {
		cmd := map[diag.Severity]string{diag.Error: "error", diag.Warning: "warning", diag.Info: "notice"}[d.Severity]
		if cmd == "" {
			cmd = "error"
		}
		var props []string
		if d.Subject.File != "" {
			props = append(props, "file="+escapeProperty(d.Subject.File))
		}
		if start := d.Subject.Start; start.IsValid() {
			end := d.Subject.End
			if !end.IsValid() || end.Before(start) {
				end = start
			}
			props = append(props,
				fmt.Sprintf("line=%d", start.Line), fmt.Sprintf("endLine=%d", end.Line),
				fmt.Sprintf("col=%d", start.Column), fmt.Sprintf("endColumn=%d", end.Column))
		}
		if d.Code != "" {
			props = append(props, "title="+escapeProperty(d.Code))
		}
		msg := d.Message
		if d.Detail != "" {
			msg += "\n" + d.Detail
		}
		fmt.Fprintf(&b, "::%s %s::%s\n", cmd, strings.Join(props, ","), escapeData(msg))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// escapeData escapes a workflow command's message.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a workflow command's property value.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
