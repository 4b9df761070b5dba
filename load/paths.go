package load

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/pipec-dev/pipec/diag"
	"github.com/pipec-dev/pipec/source"
)

// Set is everything read from the inputs.
type Set struct {
	Files []*source.File
	Docs  []*Doc
	Diags []diag.Diagnostic
}

// IsInput reports whether a file found while walking a directory is read:
// YAML and CUE files. Files named explicitly are always read.
func IsInput(name string) bool {
	switch filepath.Ext(name) {
	case ".yaml", ".yml", ".cue":
		return true
	}
	return false
}

// Expand turns the command line's paths into the list of files to read:
// files as given, directories walked recursively for YAML and CUE files in
// lexical order, skipping hidden directories and cue.mod. "-" stands for
// stdin. An error here (a path that does not exist) is a usage error.
func Expand(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		if p == "-" {
			out = append(out, p)
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			out = append(out, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != p && (strings.HasPrefix(d.Name(), ".") || d.Name() == "cue.mod") {
					return filepath.SkipDir
				}
				return nil
			}
			if IsInput(path) {
				out = append(out, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Paths reads the given files and directories. stdin is read for "-". The
// error is for I/O failures only; problems in the files' content are
// diagnostics in the Set.
func Paths(paths []string, stdin io.Reader) (*Set, error) {
	names, err := Expand(paths)
	if err != nil {
		return nil, err
	}
	files := make([]*source.File, len(names))
	for i, name := range names {
		var src []byte
		if name == "-" {
			src, err = io.ReadAll(stdin)
		} else {
			src, err = os.ReadFile(name)
		}
		if err != nil {
			return nil, err
		}
		files[i] = source.NewFile(name, src)
	}
	return Files(files), nil
}

// Files parses files that are already in memory, YAML in parallel and CUE
// packages together per directory, and returns them in input order.
func Files(files []*source.File) *Set {
	set := &Set{Files: files}
	type result struct {
		docs  []*Doc
		diags []diag.Diagnostic
	}
	results := make([]result, len(files))
	var cueFiles []int
	var wg sync.WaitGroup
	work := make(chan int)
	for range min(runtime.GOMAXPROCS(0), len(files)) {
		wg.Go(func() {
			for i := range work {
				results[i].docs, results[i].diags = YAML(files[i])
			}
		})
	}
	for i, f := range files {
		if strings.HasSuffix(f.Name, ".cue") {
			cueFiles = append(cueFiles, i)
			continue
		}
		work <- i
	}
	close(work)
	wg.Wait()
	for i := range files {
		set.Docs = append(set.Docs, results[i].docs...)
		set.Diags = append(set.Diags, results[i].diags...)
	}
	if len(cueFiles) > 0 {
		var cf []*source.File
		for _, i := range cueFiles {
			cf = append(cf, files[i])
		}
		docs, ds := CUE(cf)
		set.Docs = append(set.Docs, docs...)
		set.Diags = append(set.Diags, ds...)
	}
	return set
}
