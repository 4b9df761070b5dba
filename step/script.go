package step

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// scriptPreamble is what Tekton puts before a script without a shebang:
// POSIX sh that stops at the first failing command.
const scriptPreamble = "#!/bin/sh\nset -e\n"

// writeScript writes a step's script where the kernel can execute it and
// returns its path. A script that starts with "#!" runs as it is.
func writeScript(p Paths, name, script string) (string, error) {
	if !strings.HasPrefix(script, "#!") {
		script = scriptPreamble + script
	}
	// Absolute, because the step may run in another directory (--workdir).
	path, err := filepath.Abs(p.script(name))
	if err != nil {
		return "", fmt.Errorf("writing the script: %w", err)
	}
	if err := makeSharedDir(filepath.Dir(path)); err != nil {
		return "", fmt.Errorf("writing the script: %w", err)
	}
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		return "", fmt.Errorf("writing the script: %w", err)
	}
	// WriteFile's mode passes through the umask and is not applied to a file
	// that already exists.
	if err := os.Chmod(path, 0o755); err != nil {
		return "", fmt.Errorf("writing the script: %w", err)
	}
	return path, nil
}

// makeSharedDir makes a directory that every step of the pod can write,
// whichever user it runs as: steps may set different runAsUser, and the
// first one to run creates /pipec/scripts for all. It is sticky, like /tmp.
func makeSharedDir(dir string) error {
	err := os.Mkdir(dir, 0o777)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
			return err
		}
		err = os.Mkdir(dir, 0o777)
	}
	if err != nil {
		return err
	}
	return os.Chmod(dir, 0o777|fs.ModeSticky)
}
