package inventory

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"strings"
)

// HistoryEntry is one line of a --history file: the summary figures of one
// run, and the commit it ran on when known.
type HistoryEntry struct {
	Commit string `json:"commit,omitempty"`
	// Date is the commit's committer date (RFC 3339), so the same commit
	// always yields the same line.
	Date string `json:"date,omitempty"`
	Summary
}

// NewHistoryEntry summarises inv, with the git commit checked out in dir
// (none outside a git work tree).
func NewHistoryEntry(inv *Inventory, dir string) HistoryEntry {
	e := HistoryEntry{Summary: inv.Summary()}
	if out, err := git(dir, "rev-parse", "HEAD"); err == nil {
		e.Commit = out
		if date, err := git(dir, "show", "-s", "--format=%cI", "HEAD"); err == nil {
			e.Date = date
		}
	}
	return e
}

func git(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	return strings.TrimSpace(string(out)), err
}

// ReadHistory reads a --history file; a missing file is an empty history.
func ReadHistory(path string) ([]HistoryEntry, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var entries []HistoryEntry
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		var e HistoryEntry
		dec := json.NewDecoder(bytes.NewReader(text))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			return nil, fmt.Errorf("%s:%d: not a dbaudit inventory history line: %v", path, line, err)
		}
		entries = append(entries, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return entries, nil
}

// AppendHistory adds e to the history file at path as one JSON line.
func AppendHistory(path string, e HistoryEntry) error {
	line, err := json.Marshal(e)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
