package step

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseArgs(t *testing.T) {
	env := []string{"HOME=/home/u", EnvTektonDir + "=/t", EnvKillGrace + "=1s", "PIPEC.tasks.a.results.r=x"}
	o, err := ParseArgs([]string{
		"--name=build", "--timeout", "1m30s", "--results", "a, b", "--results", "c",
		"--step-results", "d", "--basic-git", "s=https://h/p?q=1", "--docker-cfg", "c1",
		"--script", "-x", "--", "--not-a-flag", "arg",
	}, env)
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, got, want any) {
		t.Helper()
		if !equal(got, want) {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	check("Name", o.Name, "build")
	check("Script", o.Script, "-x")
	check("Timeout", o.Timeout, 90*time.Second)
	check("OnError", o.OnError, StopAndFail)
	check("Results", o.Results, []string{"a", "b", "c"})
	check("StepResults", o.StepResults, []string{"d"})
	check("BasicGit", o.Creds.BasicGit, []SecretURL{{"s", "https://h/p?q=1"}})
	check("DockerCfg", o.Creds.DockerCfg, []string{"c1"})
	check("Command", o.Command, []string{"--not-a-flag", "arg"})
	check("Home", o.Home, "/home/u")
	check("Paths", o.Paths, Paths{Pipec: "/pipec", Tekton: "/t", Termination: "/dev/termination-log"})
	check("KillGrace", o.KillGrace, time.Second)
	check("Env", o.Env, env)

	// Flags end at the first word that is not one, "--" or not.
	o, err = ParseArgs([]string{"--name", "s", "echo", "--timeout", "1s"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	check("Command", o.Command, []string{"echo", "--timeout", "1s"})
	check("Timeout", o.Timeout, time.Duration(0))
}

func TestParseArgsErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		env  []string
		want string
	}{
		{[]string{"--", "true"}, nil, "--name is required"},
		{[]string{"--name", "s"}, nil, "nothing to run"},
		{[]string{"--name", "a/b", "--", "true"}, nil, `step name "a/b": not usable as a file name`},
		{[]string{"--name", "s", "--results", "..", "--", "true"}, nil, `result name ".."`},
		{[]string{"--name", "s", "--on-error", "Continue", "--", "true"}, nil, `--on-error "Continue": want "stopAndFail" or "continue"`},
		{[]string{"--name", "s", "--timeout", "-1s", "--", "true"}, nil, "negative"},
		{[]string{"--name", "s", "--nope", "--", "true"}, nil, "flag provided but not defined: --nope"},
		{[]string{"--name", "s", "--timeout"}, nil, "flag needs an argument: --timeout"},
		{[]string{"--name", "s", "--ssh-git", "=url", "--", "true"}, nil, `"=url": want SECRET=URL`},
		{[]string{"--name", "s", "--", "true"}, []string{EnvKillGrace + "=soon"}, EnvKillGrace},
	} {
		_, err := ParseArgs(tc.args, tc.env)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseArgs(%q): %v, want an error containing %q", tc.args, err, tc.want)
		}
	}
	if _, err := ParseArgs([]string{"-h"}, nil); err != ErrHelp {
		t.Errorf("-h: %v, want ErrHelp", err)
	}
}

func equal(a, b any) bool {
	switch a := a.(type) {
	case []string:
		return slices.Equal(a, b.([]string))
	case []SecretURL:
		return slices.Equal(a, b.([]SecretURL))
	}
	return a == b
}
