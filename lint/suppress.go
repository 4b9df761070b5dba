package lint

import (
	"bytes"
	"strings"

	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/load"
	"github.com/pipec-dev/pipec/source"
)

// Codes of the suppression audit.
const (
	CodeBadSuppression    = "PC0201"
	CodeUnusedSuppression = "PC0202"
)

// AnnotationIgnore is the object annotation that suppresses findings inside
// the object, for YAML that is generated and cannot carry comments:
//
//	metadata:
//	  annotations:
//	    pipec.dev/ignore: "PC4002: docker-in-docker needs a privileged sidecar"
//
// Several suppressions go on separate lines of the value.
const AnnotationIgnore = "pipec.dev/ignore"

// directive is one suppression: a comment or an annotation line.
type directive struct {
	at     diag.Range // the directive's text
	file   string
	from   int // first and last line it covers
	to     int
	ids    []string // rule IDs, resolved from what was written
	names  []string // as written, for messages
	used   []bool
	reason string
	bad    bool // malformed: reported, and suppresses nothing
}

// directiveRE finds a "# pipec:KIND …" or "// pipec:KIND …" comment. The
// marker must start the line or follow a space, so that URLs and strings
// like "a#pipec:" are not taken for comments.
var directiveRE = lazyRegexp(`(?:^|[ \t])(?:#|//)[ \t]*pipec:([A-Za-z-]*)(.*)$`)

// suppressor collects the directives of a run and applies them.
type suppressor struct {
	dirs  []*directive
	diags diag.List // problems with the directives themselves
}

// collectDirectives reads the suppression comments of every file and the
// ignore annotations of every document.
func collectDirectives(set *load.Set) *suppressor {
	s := &suppressor{}
	docsOf := map[*source.File][]*load.Doc{}
	for _, d := range set.Docs {
		docsOf[d.File] = append(docsOf[d.File], d)
	}
	for _, f := range set.Files {
		if !bytes.Contains(f.Src, []byte("pipec:")) {
			continue
		}
		var ends map[int]int
		for line := 1; line <= f.Lines(); line++ {
			text := f.Line(line)
			if !strings.Contains(text, "pipec:") {
				continue
			}
			m := directiveRE().FindStringSubmatchIndex(text)
			if m == nil {
				continue
			}
			// The directive's range starts at its comment marker.
			markerAt := m[0]
			for markerAt < len(text) && (text[markerAt] == ' ' || text[markerAt] == '\t') {
				markerAt++
			}
			start := f.Offset(line, 1) + markerAt
			at := f.Range(start, f.Offset(line, 1)+len(text))
			kind, rest := text[m[2]:m[3]], text[m[4]:m[5]]
			// Another comment may follow on the line: the reason ends there.
			if i := strings.Index(rest, " #"); i >= 0 {
				rest = rest[:i]
			}
			d := &directive{at: at, file: f.Name}
			switch kind {
			case "ignore":
				target := line
				if strings.TrimSpace(text[:markerAt]) == "" {
					target = nextCodeLine(f, line)
				}
				if ends == nil {
					ends = nodeEnds(docsOf[f])
				}
				d.from, d.to = target, max(target, ends[target])
			case "file-ignore":
				d.from, d.to = 1, f.Lines()
			default:
				s.diags.Warnf(at, CodeBadSuppression, "unknown directive pipec:%s", kind).
					Explain("Suppressions are written \"# pipec:ignore ID reason\" or \"# pipec:file-ignore ID reason\".")
				continue
			}
			s.parse(d, rest, "pipec:"+kind)
		}
	}
	for _, doc := range set.Docs {
		s.annotation(doc)
	}
	return s
}

// parse reads "ID[,ID…] reason" into d and records it.
func (s *suppressor) parse(d *directive, text, what string) {
	text = strings.TrimSpace(text)
	list, reason, _ := strings.Cut(text, " ")
	if i := strings.IndexByte(text, '\t'); i >= 0 && i < len(list) {
		list, reason = text[:i], text[i+1:]
	}
	reason = strings.TrimSpace(reason)
	reason = strings.TrimSpace(strings.TrimPrefix(reason, "--"))
	d.reason = reason
	if list == "" {
		d.bad = true
		s.diags.Warnf(d.at, CodeBadSuppression, "%s names no rule", what).
			Explain("Write the rule's ID or name and the reason: \"# %s PC4004 the image is built by this pipeline\".", what)
		s.dirs = append(s.dirs, d)
		return
	}
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		r := Lookup(name)
		if r == nil {
			d.bad = true
			bad := s.diags.Warnf(d.at, CodeBadSuppression, "%s names an unknown rule %q", what, name)
			if sug := closestRule(name); sug != "" {
				bad.Explain("did you mean %q?", sug)
			}
			continue
		}
		d.ids = append(d.ids, r.ID)
		d.names = append(d.names, name)
	}
	if reason == "" {
		d.bad = true
		s.diags.Warnf(d.at, CodeBadSuppression, "suppression without a reason").
			Explain("Say why the finding does not apply, after the rule: \"# %s %s <reason>\". A suppression without a reason suppresses nothing.", what, list)
	}
	d.used = make([]bool, len(d.ids))
	s.dirs = append(s.dirs, d)
}

// annotation reads the pipec.dev/ignore annotation of a document: one
// "ID[,ID…]: reason" per line.
func (s *suppressor) annotation(doc *load.Doc) {
	ann := doc.Root.Path("metadata", "annotations")
	v := ann.Get(AnnotationIgnore)
	if v == nil || !v.IsScalar() {
		return
	}
	from, to := doc.Root.Start.Line, endLine(doc.Root)
	at := v.Range()
	if k := ann.Key(AnnotationIgnore); k != nil {
		at.Start = k.Start
	}
	for _, line := range strings.Split(v.Value, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		d := &directive{at: at, file: doc.File.Name, from: from, to: to}
		ids, reason, ok := strings.Cut(line, ":")
		if !ok {
			ids, reason, _ = strings.Cut(line, " ")
		}
		s.parse(d, strings.ReplaceAll(strings.TrimSpace(ids), " ", "")+" "+reason, AnnotationIgnore)
	}
}

// apply removes the diagnostics that a well-formed directive covers, and
// returns the rest and how many were suppressed.
func (s *suppressor) apply(ds []diag.Diagnostic, keep func(diag.Diagnostic) bool) ([]diag.Diagnostic, int) {
	if len(s.dirs) == 0 {
		return ds, 0
	}
	out := ds[:0]
	n := 0
	for _, d := range ds {
		// A directive that matches a finding kept anyway is used: it is
		// not reported as matching nothing.
		if d.Code == CodeBadSuppression || d.Code == CodeUnusedSuppression || !s.suppress(d) || keep(d) {
			out = append(out, d)
			continue
		}
		n++
	}
	return out, n
}

func (s *suppressor) suppress(d diag.Diagnostic) bool {
	hit := false
	line := d.Subject.Start.Line
	for _, dir := range s.dirs {
		if dir.bad || dir.file != d.Subject.File || line < dir.from || line > dir.to {
			continue
		}
		for i, id := range dir.ids {
			if id == d.Code {
				dir.used[i] = true
				hit = true
			}
		}
	}
	return hit
}

// audit reports the directives that suppressed nothing. A directive for a
// rule that did not run (turned off, or its file excluded) is not audited.
func (s *suppressor) audit(cfg *Config) {
	for _, dir := range s.dirs {
		if dir.bad || cfg.excluded(dir.file) {
			continue
		}
		for i, id := range dir.ids {
			if dir.used[i] || !cfg.Enabled(id) {
				continue
			}
			s.diags.Warnf(dir.at, CodeUnusedSuppression, "suppression of %s matches nothing", dir.names[i]).
				Explain("No %s finding is reported on the lines it covers. Remove it, or move it onto the line of the finding or the line above.", id)
		}
	}
}

// nextCodeLine returns the first line after line that is neither blank nor
// only a comment: the line a standalone directive applies to.
func nextCodeLine(f *source.File, line int) int {
	for l := line + 1; l <= f.Lines(); l++ {
		t := strings.TrimSpace(f.Line(l))
		if t != "" && !strings.HasPrefix(t, "#") && !strings.HasPrefix(t, "//") {
			return l
		}
	}
	return line + 1
}

// nodeEnds maps each line on which a map entry or list item starts to the
// last line of the longest such entry, so that a directive on the line of
// "securityContext:" covers the whole block below it.
func nodeEnds(docs []*load.Doc) map[int]int {
	ends := map[int]int{}
	note := func(start int, n *source.Node) {
		if e := endLine(n); e > ends[start] {
			ends[start] = e
		}
	}
	for _, d := range docs {
		source.Walk(d.Root, func(_ []source.PathElem, n *source.Node) bool {
			switch n.Kind {
			case source.Map:
				for k, v := range n.Entries() {
					note(k.Start.Line, v)
				}
			case source.List:
				for _, e := range n.Elems {
					note(e.Start.Line, e)
				}
			}
			return true
		})
	}
	return ends
}

// endLine is the last line holding text of n: an end at the first column of
// a line is exclusive.
func endLine(n *source.Node) int {
	end := n.End
	if !end.IsValid() {
		return n.Start.Line
	}
	if end.Column == 1 && end.Line > n.Start.Line {
		return end.Line - 1
	}
	return end.Line
}

// closestRule suggests a rule ID or name for a misspelt one.
func closestRule(name string) string {
	var cands []string
	for _, r := range registry() {
		cands = append(cands, r.ID, r.Name)
	}
	return diag.Closest(name, cands)
}
