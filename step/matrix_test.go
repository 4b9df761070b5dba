package step_test

import (
	"testing"

	"github.com/pipec-dev/pipec/step"
)

// TestMatrix runs the step of the second combination of a matrixed task:
// $(params.NAME) of its matrix params take that combination's values, in
// the script, the args and the environment, and PIPEC_MATRIX does not reach
// the step.
func TestMatrix(t *testing.T) {
	p := newPod(t)
	matrix := `PIPEC_MATRIX=[{"os":"linux","arch":"amd64"},{"os":"darwin","arch":"arm64"}]`
	r := p.run([]string{"--name", "build", "--script", `echo "$(params.os)/$(params.arch) $1 $GOOS ${PIPEC_MATRIX:-unset}"`, "--", "$(params['arch'])"},
		matrix, "JOB_COMPLETION_INDEX=1", "GOOS=$(params.os)")
	r.wantCode(t, 0)
	r.wantStdout(t, "darwin/arm64 arm64 darwin unset\n")
}

func TestMatrixErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  []string
		want string
	}{
		{"no index", []string{`PIPEC_MATRIX=[{"os":"linux"}]`}, "JOB_COMPLETION_INDEX is not"},
		{"index out of range", []string{`PIPEC_MATRIX=[{"os":"linux"}]`, "JOB_COMPLETION_INDEX=1"}, `does not name one of the 1 combinations`},
		{"not JSON", []string{`PIPEC_MATRIX={`, "JOB_COMPLETION_INDEX=0"}, "not a JSON array of objects"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPod(t)
			r := p.run([]string{"--name", "build", "--", "true"}, tc.env...)
			r.wantCode(t, step.ExitFailure)
			r.wantStderrContains(t, tc.want)
		})
	}
}
