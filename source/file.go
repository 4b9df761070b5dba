// Package source holds input files and the value trees read from them. A
// Node is a YAML or CUE value that remembers where every part of it came
// from, down to the characters inside a string, so that a diagnostic about
// "$(params.imag-tag)" on the seventh line of a block scalar points there.
package source

import (
	"bytes"
	"slices"
	"sync"
	"unicode/utf8"

	"github.com/pipec-dev/pipec/diag"
)

// File is one input file.
type File struct {
	Name string // as given on the command line, or "-" for stdin
	Src  []byte

	once  sync.Once
	lines []int // byte offset of the start of each line
}

// NewFile returns a File for src.
func NewFile(name string, src []byte) *File { return &File{Name: name, Src: src} }

func (f *File) lineStarts() []int {
	f.once.Do(func() {
		f.lines = make([]int, 1, bytes.Count(f.Src, []byte{'\n'})+1)
		for i, b := range f.Src {
			if b == '\n' {
				f.lines = append(f.lines, i+1)
			}
		}
	})
	return f.lines
}

// Pos converts a byte offset into a position.
func (f *File) Pos(off int) diag.Pos {
	off = max(0, min(off, len(f.Src)))
	lines := f.lineStarts()
	i, found := slices.BinarySearch(lines, off)
	if !found {
		i--
	}
	return diag.Pos{Line: i + 1, Column: utf8.RuneCount(f.Src[lines[i]:off]) + 1, Byte: off}
}

// Offset converts a 1-based line and character column into a byte offset.
// Out-of-range values are clamped to the file.
func (f *File) Offset(line, col int) int {
	lines := f.lineStarts()
	if line < 1 {
		return 0
	}
	if line > len(lines) {
		return len(f.Src)
	}
	off := lines[line-1]
	for c := 1; c < col && off < len(f.Src) && f.Src[off] != '\n'; c++ {
		_, w := utf8.DecodeRune(f.Src[off:])
		off += w
	}
	return off
}

// Line returns the text of line n (1-based) without its line break.
func (f *File) Line(n int) string {
	lines := f.lineStarts()
	if n < 1 || n > len(lines) {
		return ""
	}
	end := len(f.Src)
	if n < len(lines) {
		end = lines[n] - 1
	}
	return string(bytes.TrimSuffix(f.Src[lines[n-1]:end], []byte{'\r'}))
}

// Lines returns the number of lines in the file.
func (f *File) Lines() int { return len(f.lineStarts()) }

// Range returns the range of bytes [start, end) of f.
func (f *File) Range(start, end int) diag.Range {
	return diag.Range{File: f.Name, Start: f.Pos(start), End: f.Pos(end)}
}
