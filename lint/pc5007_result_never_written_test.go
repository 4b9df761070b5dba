package lint

import "testing"

func TestRunsParam(t *testing.T) {
	for script, want := range map[string]bool{
		"#!/bin/sh\n$(params.SCRIPT)\n":         true,
		"  eval \"$(params.SCRIPT)\"":           true,
		"bash -c '$(params.cmd)'\necho done":    true,
		"echo $(params.x)\n":                    false,
		"#!/bin/sh\necho hi\n":                  false,
		"x=$(params.a)\n$(params.b) --flag\n":   false,
		"echo a\n\n  $(params.script)   \necho": true,
	} {
		if got := runsParam(script); got != want {
			t.Errorf("runsParam(%q) = %v", script, got)
		}
	}
}
