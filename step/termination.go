package step

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"unicode/utf8"
)

// MaxTerminationMessage is the most bytes of a container's termination
// message the kubelet keeps; it cuts the rest silently. It keeps less when
// a pod has more than three containers: 12288 bytes shared equally.
const MaxTerminationMessage = 4096

// message is the termination message: docs/design.md, "Termination message".
type message struct {
	Results     map[string]string `json:"results,omitempty"`
	StepResults map[string]string `json:"stepResults,omitempty"`
	Error       string            `json:"error,omitempty"`
}

func (m message) empty() bool {
	return len(m.Results) == 0 && len(m.StepResults) == 0 && m.Error == ""
}

// resultSet is the results read from one directory, with each file's full
// size: a value longer than a termination message is not read whole.
type resultSet struct {
	kind   string // "result" or "step result", for messages
	values map[string]string
	sizes  map[string]int64
}

// readResults reads the named files of dir. A missing file is no result,
// as in Tekton: the step did not write it. Values are kept byte for byte.
func readResults(kind, dir string, names []string, limit int) (resultSet, error) {
	rs := resultSet{kind: kind, values: map[string]string{}, sizes: map[string]int64{}}
	for _, name := range names {
		value, size, err := readResult(filepath.Join(dir, name), limit)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return rs, fmt.Errorf("reading %s %q: %w", kind, name, err)
		}
		if int64(len(value)) == size && !utf8.ValidString(value) {
			return rs, fmt.Errorf("%s %q is not UTF-8 text: the termination message cannot carry it unchanged", kind, name)
		}
		rs.values[name], rs.sizes[name] = value, size
	}
	return rs, nil
}

func readResult(path string, limit int) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, int64(limit)+1))
	if err != nil {
		return "", 0, err
	}
	size := int64(len(b))
	if size > int64(limit) {
		fi, err := f.Stat()
		if err != nil {
			return "", 0, err
		}
		size = fi.Size()
	}
	return string(b), size, nil
}

// encodeMessage encodes m for the termination message, or says which result
// to blame when it does not fit.
func encodeMessage(m message, limit int, sets ...resultSet) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// "<", ">" and "&" as \u003c would cost five bytes more each.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		return nil, fmt.Errorf("encoding the termination message: %w", err)
	}
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if len(b) <= limit {
		return b, nil
	}
	need := int64(len(b))
	var largest struct {
		kind, name string
		size       int64
	}
	for _, s := range sets {
		for name, size := range s.sizes {
			need += size - int64(len(s.values[name]))
			if size > largest.size || size == largest.size && name < largest.name {
				largest.kind, largest.name, largest.size = s.kind, name, size
			}
		}
	}
	return nil, fmt.Errorf("the results need at least %d bytes of termination message and the kubelet keeps %d: "+
		"the largest is %s %q (%d bytes); pass large values through a workspace instead",
		need, limit, largest.kind, largest.name, largest.size)
}

// writeMessage writes the termination message, replacing what is there.
func writeMessage(path string, b []byte) error {
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("writing the termination message: %w", err)
	}
	return nil
}
