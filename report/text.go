package report

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/pipec-dev/pipec/diag"
)

// Text writes diagnostics for people, in the form compilers use:
//
//	file:line:col: severity: message [CODE]
//	   7 |     docker build -t $(params.imag-tag) .
//	     |                     ^~~~~~~~~~~~~~~~~~
//	     = did you mean "image-tag"?
//	  file:3:9: declared here
//
// The first line alone is what editors and problem matchers parse. With
// Summary, a last line counts the problems:
//
//	3 problems (1 error, 2 warnings), 1 suppressed
type Text struct {
	// Color wraps severities and carets in ANSI colours.
	Color bool
	// Summary adds the count line when there is something to count.
	Summary    bool
	Suppressed int
}

func (t *Text) Format(w io.Writer, ds []diag.Diagnostic, src Sources) error {
	for _, d := range ds {
		if err := t.one(w, d, src); err != nil {
			return err
		}
	}
	if t.Summary && (len(ds) > 0 || t.Suppressed > 0) {
		_, err := io.WriteString(w, summary(ds, t.Suppressed)+"\n")
		return err
	}
	return nil
}

// summary counts diagnostics by severity.
func summary(ds []diag.Diagnostic, suppressed int) string {
	var n [3]int
	for _, d := range ds {
		if d.Severity >= diag.Error && d.Severity <= diag.Info {
			n[d.Severity]++
		}
	}
	var parts []string
	for sev, c := range n {
		if c > 0 {
			parts = append(parts, count(c, diag.Severity(sev).String()))
		}
	}
	s := count(len(ds), "problem")
	if len(parts) > 0 {
		s += " (" + strings.Join(parts, ", ") + ")"
	}
	if suppressed > 0 {
		s += fmt.Sprintf(", %d suppressed", suppressed)
	}
	return s
}

func count(n int, what string) string {
	if n != 1 && what != "info" {
		what += "s"
	}
	return fmt.Sprintf("%d %s", n, what)
}

func (t *Text) one(w io.Writer, d diag.Diagnostic, src Sources) error {
	sev := d.Severity.String()
	if t.Color {
		sev = colorOf(d.Severity) + sev + "\x1b[0m"
	}
	code := ""
	if d.Code != "" {
		code = " [" + d.Code + "]"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s: %s%s\n", d.Subject, sev, d.Message, code)
	if f := src[d.Subject.File]; f != nil && d.Subject.Start.IsValid() {
		line := d.Subject.Start.Line
		text := f.Line(line)
		gutter := len(fmt.Sprint(line))
		fmt.Fprintf(&b, " %*d | %s\n", gutter, line, expandTabs(text))
		startCol := displayCol(text, d.Subject.Start.Column)
		width := 1
		if end := d.Subject.End; end.Line == line && end.Column > d.Subject.Start.Column {
			width = displayCol(text, end.Column) - startCol
		} else if end.Line > line {
			width = max(1, displayCol(text, utf8.RuneCountInString(text)+1)-startCol)
		}
		caret := "^" + strings.Repeat("~", max(0, width-1))
		if t.Color {
			caret = colorOf(d.Severity) + caret + "\x1b[0m"
		}
		fmt.Fprintf(&b, " %*s | %s%s\n", gutter, "", strings.Repeat(" ", startCol-1), caret)
	}
	if d.Detail != "" {
		for _, l := range strings.Split(d.Detail, "\n") {
			fmt.Fprintf(&b, "   = %s\n", l)
		}
	}
	for _, r := range d.Related {
		fmt.Fprintf(&b, "  %s: %s\n", r.Range, r.Message)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func colorOf(s diag.Severity) string {
	switch s {
	case diag.Error:
		return "\x1b[1;31m"
	case diag.Warning:
		return "\x1b[1;33m"
	}
	return "\x1b[1;36m"
}

const tabWidth = 4

func expandTabs(s string) string {
	if !strings.Contains(s, "\t") {
		return s
	}
	var b strings.Builder
	col := 0
	for _, r := range s {
		if r == '\t' {
			n := tabWidth - col%tabWidth
			b.WriteString(strings.Repeat(" ", n))
			col += n
			continue
		}
		b.WriteRune(r)
		col++
	}
	return b.String()
}

// displayCol converts a 1-based character column of line into the 1-based
// column where it is displayed once tabs are expanded. East Asian wide
// characters take two cells, which matters for the seeds' Chinese comments.
func displayCol(line string, col int) int {
	cells, i := 0, 1
	for _, r := range line {
		if i >= col {
			break
		}
		switch {
		case r == '\t':
			cells += tabWidth - cells%tabWidth
		case isWide(r):
			cells += 2
		default:
			cells++
		}
		i++
	}
	return cells + (col - i) + 1
}

// isWide reports whether r is displayed in two terminal cells (CJK and
// fullwidth forms), following the main East Asian Width ranges.
func isWide(r rune) bool {
	return r >= 0x1100 && (r <= 0x115f || r == 0x2329 || r == 0x232a ||
		(r >= 0x2e80 && r <= 0xa4cf && r != 0x303f) ||
		(r >= 0xac00 && r <= 0xd7a3) || (r >= 0xf900 && r <= 0xfaff) ||
		(r >= 0xfe30 && r <= 0xfe6f) || (r >= 0xff00 && r <= 0xff60) ||
		(r >= 0xffe0 && r <= 0xffe6) || (r >= 0x1f300 && r <= 0x1f64f) ||
		(r >= 0x1f900 && r <= 0x1f9ff) || (r >= 0x20000 && r <= 0x3fffd))
}
