package step

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/pipec-dev/pipec/plan"
)

// values resolves the run-time references of one step: value keys from the
// PIPEC.* environment variables, and $(steps.S.results.R) from the files
// earlier steps of the pod wrote.
type values struct {
	keys     map[string]string
	paths    Paths
	warn     io.Writer
	stepVals map[string]stepValue // step results read so far, by key
}

type stepValue struct {
	value string
	ok    bool
}

// splitEnv separates the PIPEC.* variables, which carry values, from the
// rest, which make the child's environment.
func splitEnv(env []string) (keys map[string]string, rest []string) {
	keys = make(map[string]string)
	rest = make([]string, 0, len(env))
	for _, kv := range env {
		if name, ok := strings.CutPrefix(kv, plan.EnvPrefix); ok {
			k, v, _ := strings.Cut(name, "=")
			keys[k] = v
			continue
		}
		rest = append(rest, kv)
	}
	return keys, rest
}

// lookup returns the value of a key, and whether it has one.
func (v *values) lookup(key string) (string, bool) {
	if val, ok := v.keys[key]; ok {
		return val, true
	}
	if strings.HasPrefix(key, "steps.") {
		return v.stepResult(key)
	}
	return "", false
}

// stepResult reads steps.S.results.R from /tekton/steps/step-S/results/R.
// Tekton names the directory after the container, "step-" + S; the form
// steps.step-S is accepted as well.
func (v *values) stepResult(key string) (string, bool) {
	if sv, ok := v.stepVals[key]; ok {
		return sv.value, sv.ok
	}
	step, rest, _ := strings.Cut(strings.TrimPrefix(key, "steps."), ".")
	name, ok := strings.CutPrefix(rest, "results.")
	if !ok || step == "" || checkFileName("", name) != nil || checkFileName("", step) != nil {
		return "", false
	}
	dirs := []string{v.paths.stepDir(step)}
	if s, ok := strings.CutPrefix(step, "step-"); ok && s != "" {
		dirs = append(dirs, v.paths.stepDir(s))
	}
	var sv stepValue
	for _, dir := range dirs {
		b, err := os.ReadFile(filepath.Join(dir, "results", name))
		if err == nil {
			sv = stepValue{string(b), true}
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(v.warn, "pipec step: warning: $(%s): %v\n", key, err)
		}
	}
	if v.stepVals == nil {
		v.stepVals = make(map[string]stepValue)
	}
	v.stepVals[key] = sv
	return sv.value, sv.ok
}

// resolve finds the first reading of body whose key has a value.
func (v *values) resolve(body string) (reference, string, bool) {
	for _, r := range readings(body) {
		if val, ok := v.lookup(r.key); ok {
			return r, val, true
		}
	}
	return reference{}, "", false
}

// substitute replaces every reference in s that has a value, in one pass:
// a value that itself contains "$(" is not substituted again. Unknown
// references and [*] stay as they are, as in Tekton, and there is no
// escaping.
func (v *values) substitute(s string) (string, error) {
	var b strings.Builder
	done := 0 // s[:done] is in b
	for i := 0; ; {
		j := strings.Index(s[i:], "$(")
		if j < 0 {
			break
		}
		start := i + j
		n := strings.IndexByte(s[start+2:], ')')
		if n < 0 {
			break
		}
		end := start + 2 + n + 1
		r, val, ok := v.resolve(s[start+2 : end-1])
		if !ok || r.sel == selStar {
			// Not ours: "$(date)", "$(cat $(…))" or an unknown key. Look
			// for references inside it.
			i = start + 2
			continue
		}
		text, err := r.text(val)
		if err != nil {
			return "", fmt.Errorf("%s: %w", s[start:end], err)
		}
		b.WriteString(s[done:start])
		b.WriteString(text)
		done, i = end, end
	}
	if done == 0 {
		return s, nil
	}
	b.WriteString(s[done:])
	return b.String(), nil
}

// expandArgs substitutes into a command line. An argument that is exactly
// one $(KEY[*]) reference becomes the elements of the array, as Tekton
// splices arrays into command and args.
func (v *values) expandArgs(args []string) ([]string, error) {
	out := make([]string, 0, len(args))
	for _, a := range args {
		if body, ok := wholeRef(a); ok {
			if r, val, ok := v.resolve(body); ok && r.sel == selStar {
				elems, err := plan.ArrayOf(val)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", a, err)
				}
				out = append(out, elems...)
				continue
			}
		}
		s, err := v.substitute(a)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// wholeRef reports whether s is exactly one "$(…)" and returns its body.
func wholeRef(s string) (string, bool) {
	body, ok := strings.CutPrefix(s, "$(")
	if !ok {
		return "", false
	}
	body, ok = strings.CutSuffix(body, ")")
	return body, ok && !strings.ContainsAny(body, "()")
}

// substituteEnv substitutes into the values of the "KEY=value" entries of
// env, in place.
func (v *values) substituteEnv(env []string) error {
	for i, kv := range env {
		k, val, ok := strings.Cut(kv, "=")
		if !ok || !strings.Contains(val, "$(") {
			continue
		}
		s, err := v.substitute(val)
		if err != nil {
			return fmt.Errorf("environment variable %s: %w", k, err)
		}
		env[i] = k + "=" + s
	}
	return nil
}
