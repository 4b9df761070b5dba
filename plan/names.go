package plan

import (
	"crypto/sha256"
	"encoding/hex"
)

// MaxName is the length of a DNS label, the tightest limit Kubernetes puts
// on the names of a run's objects and on label values.
const MaxName = 63

// Shorten returns name if it fits in limit characters, else its first
// limit-6 characters, "-" and five hex digits of a SHA-256 of the whole
// name (docs/design.md, "Runtime model and contracts"). The compiler and
// the coordinator must derive the same names, so the rule lives here.
func Shorten(name string, limit int) string {
	const hashLen = 5
	if len(name) <= limit {
		return name
	}
	sum := sha256.Sum256([]byte(name))
	return name[:limit-hashLen-1] + "-" + hex.EncodeToString(sum[:])[:hashLen]
}

// ObjectName is the name of the object of run with the given suffix:
// "RUN-SUFFIX", shortened to 63 characters.
func ObjectName(run, suffix string) string { return Shorten(run+"-"+suffix, MaxName) }

// LabelValue is the value of the pipec.dev/run or pipec.dev/task label for
// a name.
func LabelValue(name string) string { return Shorten(name, MaxName) }

// PlanConfigMap is the name of the ConfigMap holding the plan of run.
func PlanConfigMap(run string) string { return ObjectName(run, "plan") }
