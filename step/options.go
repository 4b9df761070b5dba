package step

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"
)

// Options is everything one run of the wrapper needs. [ParseArgs] builds it
// from the command line and the environment; a caller may also fill it in
// directly.
type Options struct {
	// Name is the step's name, without the "step-" of its container name.
	Name string
	// Script, when not empty, is run instead of a command; Command then
	// holds the script's arguments.
	Script string
	// Command is COMMAND ARG..., or the script's arguments.
	Command []string
	// Timeout bounds the step; zero means no limit.
	Timeout time.Duration
	OnError OnError
	// StdoutPath and StderrPath, when set, receive a copy of the step's
	// output (Tekton's stdoutConfig and stderrConfig).
	StdoutPath, StderrPath string
	// Workdir is the directory the step runs in; empty means the current one.
	Workdir string
	// Results names the task results to report: this is the pod's last step.
	Results []string
	// StepResults names the step's own results.
	StepResults []string
	// MessageLimit is how many bytes of termination message the kubelet
	// keeps for this container: 4096, or 12288 divided by the number of
	// the pod's containers (init containers included) when that is less.
	// The compiler knows the pod and passes it.
	MessageLimit int
	Creds        Creds

	Paths Paths
	// KillGrace is how long a timed-out step has between SIGTERM and SIGKILL.
	KillGrace time.Duration
	// Env is the environment ("KEY=value") the step's values come from and
	// its child's environment is made of.
	Env []string
	// Home is where credentials are written; ParseArgs takes it from $HOME.
	Home string

	Stdin          io.Reader
	Stdout, Stderr io.Writer
}

// OnError is what a failing step does to the task: Tekton's step onError.
type OnError string

// The two onError modes.
const (
	StopAndFail OnError = "stopAndFail"
	Continue    OnError = "continue"
)

// Paths are the directories and files the wrapper shares with the rest of
// the pod. In a pod they are the defaults; tests point them elsewhere.
type Paths struct {
	// Pipec holds the binary and the steps' scripts (an emptyDir).
	Pipec string
	// Tekton holds results, steps' metadata and mounted credential secrets.
	Tekton string
	// Termination is the container's terminationMessagePath.
	Termination string
}

// Environment variables that move Paths and the kill grace period away from
// their defaults. They are for tests and local runs; the compiler never sets
// them.
const (
	EnvPipecDir        = "PIPEC_DIR"
	EnvTektonDir       = "PIPEC_TEKTON_DIR"
	EnvTerminationPath = "PIPEC_TERMINATION_PATH"
	EnvKillGrace       = "PIPEC_KILL_GRACE"
)

// DefaultKillGrace is the time between SIGTERM and SIGKILL on timeout.
const DefaultKillGrace = 5 * time.Second

// DefaultPaths returns the paths of a pod compiled by pipec.
func DefaultPaths() Paths {
	return Paths{Pipec: "/pipec", Tekton: "/tekton", Termination: "/dev/termination-log"}
}

func (p Paths) script(name string) string { return filepath.Join(p.Pipec, "scripts", name) }

// stepDir is /tekton/steps/step-NAME: a step's exit code and results.
func (p Paths) stepDir(name string) string {
	return filepath.Join(p.Tekton, "steps", "step-"+name)
}

func (p Paths) results() string { return filepath.Join(p.Tekton, "results") }

func (p Paths) secret(name string) string { return filepath.Join(p.Tekton, "creds-secrets", name) }

// credsHome is $(credentials.path): the compiler mounts a directory there
// when a step refers to it, and the wrapper writes credentials there too.
func (p Paths) credsHome() string { return filepath.Join(p.Tekton, "creds") }

// Creds are the credential flags: which mounted secrets to turn into files
// in $HOME, the way Tekton's creds-init does.
type Creds struct {
	BasicDocker  []SecretURL // --basic-docker: basic-auth secret for a registry
	BasicGit     []SecretURL // --basic-git: basic-auth secret for a git server
	SSHGit       []SecretURL // --ssh-git: ssh-auth secret for a git server
	DockerConfig []string    // --docker-config: a kubernetes.io/dockerconfigjson secret
	DockerCfg    []string    // --docker-cfg: a kubernetes.io/dockercfg secret
}

// SecretURL is a SECRET=URL credential flag.
type SecretURL struct{ Secret, URL string }

func (c Creds) empty() bool {
	return len(c.BasicDocker)+len(c.BasicGit)+len(c.SSHGit)+len(c.DockerConfig)+len(c.DockerCfg) == 0
}

// validate checks what the flag parser cannot: names end up in file paths,
// so a name that would leave its directory is refused.
func (o *Options) validate() error {
	if o.Name == "" {
		return fmt.Errorf("--name is required")
	}
	if err := checkFileName("step name", o.Name); err != nil {
		return err
	}
	if o.Script == "" && len(o.Command) == 0 {
		return fmt.Errorf("nothing to run: give --script or a command after \"--\"")
	}
	switch o.OnError {
	case StopAndFail, Continue:
	default:
		return fmt.Errorf("--on-error %q: want %q or %q", o.OnError, StopAndFail, Continue)
	}
	if o.Timeout < 0 {
		return fmt.Errorf("--timeout %v: negative", o.Timeout)
	}
	for _, r := range o.Results {
		if err := checkFileName("result name", r); err != nil {
			return err
		}
	}
	for _, r := range o.StepResults {
		if err := checkFileName("step result name", r); err != nil {
			return err
		}
	}
	for _, s := range o.Creds.secrets() {
		if err := checkFileName("secret name", s); err != nil {
			return err
		}
	}
	return nil
}

func checkFileName(what, name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\x00") {
		return fmt.Errorf("%s %q: not usable as a file name", what, name)
	}
	return nil
}

func (c Creds) secrets() []string {
	var s []string
	for _, l := range [][]SecretURL{c.BasicDocker, c.BasicGit, c.SSHGit} {
		for _, su := range l {
			s = append(s, su.Secret)
		}
	}
	s = append(s, c.DockerConfig...)
	return append(s, c.DockerCfg...)
}
