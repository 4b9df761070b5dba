package report

import (
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/pipec-dev/pipec/diag"
)

// SARIFSchema is the URI of the SARIF 2.1.0 schema that reports declare.
const SARIFSchema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

// SARIF writes a SARIF 2.1.0 log with one run: the tool with every rule's
// documentation (tool.driver.rules), and one result per diagnostic with its
// region, related locations and, when the diagnostic has a suggestion, a
// fix. GitHub code scanning and most IDEs read it.
type SARIF struct {
	Tool Tool
}

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool       sarifTool     `json:"tool"`
	Results    []sarifResult `json:"results"`
	ColumnKind string        `json:"columnKind"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string          `json:"id"`
	Name                 string          `json:"name,omitempty"`
	ShortDescription     sarifText       `json:"shortDescription"`
	FullDescription      *sarifText      `json:"fullDescription,omitempty"`
	Help                 *sarifText      `json:"help,omitempty"`
	HelpURI              string          `json:"helpUri,omitempty"`
	DefaultConfiguration sarifRuleConfig `json:"defaultConfiguration"`
	Properties           *sarifRuleProps `json:"properties,omitempty"`
}

type sarifRuleConfig struct {
	Enabled bool   `json:"enabled"`
	Level   string `json:"level"`
}

type sarifRuleProps struct {
	Tags []string `json:"tags,omitempty"`
}

type sarifResult struct {
	RuleID           string          `json:"ruleId,omitempty"`
	RuleIndex        *int            `json:"ruleIndex,omitempty"`
	Level            string          `json:"level"`
	Message          sarifText       `json:"message"`
	Locations        []sarifLocation `json:"locations,omitempty"`
	RelatedLocations []sarifLocation `json:"relatedLocations,omitempty"`
	Fixes            []sarifFix      `json:"fixes,omitempty"`
}

type sarifLocation struct {
	ID               *int          `json:"id,omitempty"`
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
	Message          *sarifText    `json:"message,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

type sarifFix struct {
	Description     sarifText             `json:"description"`
	ArtifactChanges []sarifArtifactChange `json:"artifactChanges"`
}

type sarifArtifactChange struct {
	ArtifactLocation sarifArtifact      `json:"artifactLocation"`
	Replacements     []sarifReplacement `json:"replacements"`
}

type sarifReplacement struct {
	DeletedRegion   sarifRegion `json:"deletedRegion"`
	InsertedContent sarifText   `json:"insertedContent"`
}

// sarifLevel maps a severity to SARIF's level.
func sarifLevel(s diag.Severity) string {
	switch s {
	case diag.Error:
		return "error"
	case diag.Warning:
		return "warning"
	}
	return "note"
}

// sarifURI turns a file name as given on the command line into a URI
// reference: a relative path stays relative (code scanning resolves it
// against the checkout), an absolute one becomes a file: URI.
func sarifURI(name string) string {
	slashed := filepath.ToSlash(name)
	if filepath.IsAbs(name) {
		return (&url.URL{Scheme: "file", Path: slashed}).String()
	}
	return (&url.URL{Path: slashed}).String()
}

func region(r diag.Range) *sarifRegion {
	if !r.Start.IsValid() {
		return nil
	}
	reg := &sarifRegion{StartLine: r.Start.Line, StartColumn: r.Start.Column}
	if end := r.End; end.IsValid() && !end.Before(r.Start) {
		reg.EndLine, reg.EndColumn = end.Line, end.Column
		if end == r.Start {
			reg.EndColumn = end.Column + 1 // SARIF regions are not empty
		}
	}
	return reg
}

func (s *SARIF) Format(w io.Writer, ds []diag.Diagnostic, _ Sources) error {
	name := s.Tool.Name
	if name == "" {
		name = "pipec"
	}
	run := sarifRun{
		Tool:       sarifTool{Driver: sarifDriver{Name: name, Version: s.Tool.Version, InformationURI: s.Tool.InformationURI, Rules: []sarifRule{}}},
		Results:    []sarifResult{},
		ColumnKind: "unicodeCodePoints",
	}
	index := map[string]int{}
	for i, r := range s.Tool.Rules {
		index[r.ID] = i
		rule := sarifRule{
			ID: r.ID, Name: r.Name,
			ShortDescription:     sarifText{Text: r.Title},
			HelpURI:              r.HelpURI,
			DefaultConfiguration: sarifRuleConfig{Enabled: !r.Off, Level: sarifLevel(r.Severity)},
		}
		if r.Doc != "" {
			rule.FullDescription = &sarifText{Text: r.Doc}
		}
		if r.Help != "" {
			rule.Help = &sarifText{Text: r.Doc, Markdown: r.Help}
		}
		if r.Category != "" {
			rule.Properties = &sarifRuleProps{Tags: []string{r.Category}}
		}
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, rule)
	}
	for _, d := range ds {
		res := sarifResult{RuleID: d.Code, Level: sarifLevel(d.Severity), Message: sarifText{Text: d.Message}}
		if d.Detail != "" {
			res.Message.Text += "\n" + d.Detail
		}
		if i, ok := index[d.Code]; ok {
			res.RuleIndex = &i
		}
		if d.Subject.File != "" {
			res.Locations = []sarifLocation{{PhysicalLocation: sarifPhysical{
				ArtifactLocation: sarifArtifact{URI: sarifURI(d.Subject.File)}, Region: region(d.Subject)}}}
		}
		for i, rel := range d.Related {
			if rel.Range.File == "" {
				continue
			}
			id := i + 1
			res.RelatedLocations = append(res.RelatedLocations, sarifLocation{ID: &id,
				PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: sarifURI(rel.Range.File)}, Region: region(rel.Range)},
				Message:          &sarifText{Text: rel.Message}})
		}
		if reg := region(d.Subject); d.Suggestion != "" && reg != nil && d.Subject.End.Line == d.Subject.Start.Line && d.Subject.End.Column > d.Subject.Start.Column && d.Subject.File != "" {
			res.Fixes = []sarifFix{{
				Description: sarifText{Text: "replace with " + d.Suggestion},
				ArtifactChanges: []sarifArtifactChange{{
					ArtifactLocation: sarifArtifact{URI: sarifURI(d.Subject.File)},
					Replacements:     []sarifReplacement{{DeletedRegion: *reg, InsertedContent: sarifText{Text: d.Suggestion}}},
				}},
			}}
		}
		res.Message.Text = strings.TrimSpace(res.Message.Text)
		run.Results = append(run.Results, res)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: SARIFSchema, Version: "2.1.0", Runs: []sarifRun{run}})
}
