package report

import (
	"encoding/json"
	"io"

	"github.com/pipec-dev/pipec/diag"
)

// JSON writes exactly one JSON object: {"diagnostics": [...]}, with 1-based
// lines and columns (columns count characters) and file names as given on
// the command line. The field names are a stable interface.
type JSON struct{}

type jsonReport struct {
	Diagnostics []jsonDiag `json:"diagnostics"`
}

type jsonDiag struct {
	File       string        `json:"file"`
	Line       int           `json:"line"`
	Column     int           `json:"column"`
	EndLine    int           `json:"endLine"`
	EndColumn  int           `json:"endColumn"`
	Severity   string        `json:"severity"`
	Code       string        `json:"code"`
	Message    string        `json:"message"`
	Detail     string        `json:"detail,omitempty"`
	Suggestion string        `json:"suggestion,omitempty"`
	Related    []jsonRelated `json:"related,omitempty"`
}

type jsonRelated struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

func (JSON) Format(w io.Writer, ds []diag.Diagnostic, _ Sources) error {
	r := jsonReport{Diagnostics: make([]jsonDiag, 0, len(ds))}
	for _, d := range ds {
		end := d.Subject.End
		if !end.IsValid() || end.Before(d.Subject.Start) {
			end = d.Subject.Start
		}
		jd := jsonDiag{
			File: d.Subject.File, Line: d.Subject.Start.Line, Column: d.Subject.Start.Column,
			EndLine: end.Line, EndColumn: end.Column,
			Severity: d.Severity.String(), Code: d.Code, Message: d.Message,
			Detail: d.Detail, Suggestion: d.Suggestion,
		}
		for _, rel := range d.Related {
			jd.Related = append(jd.Related, jsonRelated{
				File: rel.Range.File, Line: rel.Range.Start.Line, Column: rel.Range.Start.Column, Message: rel.Message,
			})
		}
		r.Diagnostics = append(r.Diagnostics, jd)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
