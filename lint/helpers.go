package lint

import (
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/source"
)

// Severities, short for rule tables.
const (
	errorSev   = diag.Error
	warningSev = diag.Warning
	infoSev    = diag.Info
)

// isTrue reports whether a node is the boolean true, written as a YAML
// boolean or as the string "true".
func isTrue(n *source.Node) bool {
	return n != nil && n.IsScalar() && (n.Kind == source.Bool || n.Kind == source.String) && strings.EqualFold(n.Value, "true")
}

// podTemplates returns the podTemplates of the input's runs, with the
// object each belongs to.
func (p *Pass) podTemplates() []*source.Node {
	var out []*source.Node
	for _, r := range p.Set().PipelineRuns {
		out = append(out, r.PodTemplate)
		for _, ts := range r.TaskRunSpecs {
			out = append(out, ts.PodTemplate)
		}
	}
	for _, r := range p.Set().TaskRuns {
		out = append(out, r.PodTemplate)
	}
	var kept []*source.Node
	for _, n := range out {
		if n != nil && n.Kind == source.Map {
			kept = append(kept, n)
		}
	}
	return kept
}

// duration parses a Tekton duration; ok is false for text that is not one
// (the compiler reports it) and for "0", which means no timeout.
func duration(s string) (time.Duration, bool) {
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, false
	}
	return d, true
}

// image is a container image reference split into its parts.
type image struct {
	name, tag, digest string
}

// parseImage splits "registry:5000/repo/name:tag@sha256:…". A port in the
// registry is not a tag: the tag follows the last "/".
func parseImage(s string) image {
	var im image
	if i := strings.IndexByte(s, '@'); i >= 0 {
		s, im.digest = s[:i], s[i+1:]
	}
	slash := strings.LastIndexByte(s, '/')
	if i := strings.LastIndexByte(s, ':'); i > slash {
		s, im.tag = s[:i], s[i+1:]
	}
	im.name = s
	return im
}

func itoa(i int) string { return strconv.Itoa(i) }

// containsRef reports whether s holds a $(…) reference.
func containsRef(s string) bool { return strings.Contains(s, "$(") }

// closest suggests a candidate for a misspelt name, or "".
func closest(name string, candidates []string) string { return diag.Closest(name, candidates) }

// lazyRegexp compiles a regular expression on first use: the lint package
// is linked into every pipec process, pipec step included, whose start-up
// must stay cheap.
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
