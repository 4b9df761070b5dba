package step

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Install copies the running executable to dir/pipec, mode 0755. It is
// `pipec install /pipec/bin`, the pod's first init container, which puts the
// wrapper where every step's image can run it. The copy is renamed into
// place, so that no step ever sees half a binary.
func Install(dir string) error {
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("install: finding the running executable: %w", err)
	}
	return installFile(self, dir)
}

func installFile(src, dir string) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("install: %w", err)
	}
	defer in.Close()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("install: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".pipec-*")
	if err != nil {
		return fmt.Errorf("install: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := io.Copy(tmp, in); err != nil {
		return fmt.Errorf("install: copying %s: %w", src, err)
	}
	if err := tmp.Chmod(0o755); err != nil {
		return fmt.Errorf("install: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("install: %w", err)
	}
	dst := filepath.Join(dir, "pipec")
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return fmt.Errorf("install: %w", err)
	}
	return nil
}
