package plan

import (
	"strings"
	"testing"
)

func TestShorten(t *testing.T) {
	if got := ObjectName("run", "plan"); got != "run-plan" {
		t.Errorf("ObjectName = %q", got)
	}
	long := strings.Repeat("a", 70)
	got := ObjectName(long, "plan")
	if len(got) != MaxName || !strings.HasPrefix(got, strings.Repeat("a", 57)+"-") {
		t.Errorf("ObjectName of a long run = %q (%d characters)", got, len(got))
	}
	// Stable, and told apart by the hash of the whole name.
	if ObjectName(long, "plan") != got || ObjectName(long, "plam") == got {
		t.Error("the hash suffix is not stable or not distinct")
	}
	if PlanConfigMap(long) != got || LabelValue(long) == long {
		t.Error("PlanConfigMap or LabelValue")
	}
}
