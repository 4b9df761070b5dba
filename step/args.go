package step

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
)

// Usage is the help text of `pipec step`: the command line the compiler
// emits.
const Usage = `Usage: pipec step --name NAME [flags] [-- COMMAND [ARG...]]

Run one step of a task inside its container. pipec compile makes this every
step container's entrypoint; it is not meant to be typed by hand.

Flags:
  --name NAME            the step's name (required)
  --script TEXT          run TEXT as a script (written to /pipec/scripts/NAME);
                         with a shebang it runs as is, otherwise as
                         "#!/bin/sh\nset -e\n" + TEXT. ARGs go to the script.
  --timeout DURATION     kill the step after DURATION (SIGTERM, then SIGKILL
                         after 5s) and fail it, whatever --on-error says
  --on-error MODE        stopAndFail (default) or continue: continue exits 0
                         when the step fails; either way the step's exit code
                         is written to /tekton/steps/step-NAME/exitCode
  --stdout PATH          also append the step's stdout to PATH
  --stderr PATH          also append the step's stderr to PATH
  --workdir DIR          run in DIR (created if missing)
  --results NAME,...     the pod's last step: report /tekton/results/NAME in
                         the termination message
  --step-results NAME,...  report the step's own results, from
                         /tekton/steps/step-NAME/results/NAME
  --basic-docker SECRET=URL, --basic-git SECRET=URL, --ssh-git SECRET=URL,
  --docker-config SECRET, --docker-cfg SECRET
                         write credentials from /tekton/creds-secrets/SECRET
                         into $HOME before the step runs (repeatable)

Run-time values: every environment variable PIPEC.KEY gives $(KEY) its value
in the script, the command, the arguments, --workdir and the values of the
other environment variables; $(steps.S.results.R) reads an earlier step's
result. An argument that is exactly $(KEY[*]) expands into the elements of a
JSON array; $(KEY[i]) and $(KEY.field) select from arrays and objects. An
unknown $(...) is left as it is.

Environment: PIPEC_DIR, PIPEC_TEKTON_DIR, PIPEC_TERMINATION_PATH and
PIPEC_KILL_GRACE move /pipec, /tekton, /dev/termination-log and the 5s grace
period elsewhere (tests, local runs).
`

// ErrHelp is returned by ParseArgs when the command line asks for help.
var ErrHelp = flag.ErrHelp

// ParseArgs reads the wrapper's command line (without "pipec step") and its
// environment into Options. Everything after "--", or from the first
// argument that is not a flag, is the command or the script's arguments.
func ParseArgs(args, env []string) (Options, error) {
	o := Options{
		OnError:      StopAndFail,
		Paths:        DefaultPaths(),
		KillGrace:    DefaultKillGrace,
		MessageLimit: MaxTerminationMessage,
		Env:          env,
	}
	if err := o.readEnv(env); err != nil {
		return o, err
	}

	fs := flag.NewFlagSet("pipec step", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVar(&o.Name, "name", "", "")
	fs.StringVar(&o.Script, "script", "", "")
	fs.DurationVar(&o.Timeout, "timeout", 0, "")
	fs.Func("on-error", "", func(s string) error { o.OnError = OnError(s); return nil })
	fs.StringVar(&o.StdoutPath, "stdout", "", "")
	fs.StringVar(&o.StderrPath, "stderr", "", "")
	fs.StringVar(&o.Workdir, "workdir", "", "")
	fs.Func("results", "", listFlag(&o.Results))
	fs.Func("step-results", "", listFlag(&o.StepResults))
	fs.IntVar(&o.MessageLimit, "message-limit", MaxTerminationMessage, "")
	fs.Func("basic-docker", "", secretURLFlag(&o.Creds.BasicDocker))
	fs.Func("basic-git", "", secretURLFlag(&o.Creds.BasicGit))
	fs.Func("ssh-git", "", secretURLFlag(&o.Creds.SSHGit))
	fs.Func("docker-config", "", secretFlag(&o.Creds.DockerConfig))
	fs.Func("docker-cfg", "", secretFlag(&o.Creds.DockerCfg))
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, ErrHelp
		}
		return o, flagError(err)
	}
	o.Command = fs.Args()
	return o, o.validate()
}

// readEnv takes HOME and the path overrides from env.
func (o *Options) readEnv(env []string) error {
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "HOME":
			o.Home = v
		case EnvPipecDir:
			o.Paths.Pipec = v
		case EnvTektonDir:
			o.Paths.Tekton = v
		case EnvTerminationPath:
			o.Paths.Termination = v
		case EnvKillGrace:
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 {
				return fmt.Errorf("%s=%q: want a duration such as 5s", EnvKillGrace, v)
			}
			o.KillGrace = d
		}
	}
	return nil
}

// listFlag appends comma-separated names; the flag may also be repeated.
func listFlag(dst *[]string) func(string) error {
	return func(s string) error {
		for name := range strings.SplitSeq(s, ",") {
			if name = strings.TrimSpace(name); name != "" {
				*dst = append(*dst, name)
			}
		}
		return nil
	}
}

func secretURLFlag(dst *[]SecretURL) func(string) error {
	return func(s string) error {
		// A secret's name cannot hold "=", a URL can: cut at the first one.
		secret, url, ok := strings.Cut(s, "=")
		if !ok || secret == "" || url == "" {
			return fmt.Errorf("%q: want SECRET=URL", s)
		}
		*dst = append(*dst, SecretURL{Secret: secret, URL: url})
		return nil
	}
}

func secretFlag(dst *[]string) func(string) error {
	return func(s string) error {
		if s == "" {
			return fmt.Errorf("empty secret name")
		}
		*dst = append(*dst, s)
		return nil
	}
}

// flagError spells flags in package flag's messages the way the compiler
// and the usage do, with two dashes.
func flagError(err error) error {
	msg := err.Error()
	for _, p := range []string{"defined: -", "flag -", "argument: -"} {
		msg = strings.Replace(msg, p, p+"-", 1)
	}
	return errors.New(msg)
}
