package inventory

import (
	"bytes"
	"errors"
	"io/fs"
	"os"

	"github.com/dbaudit/dbaudit/report"
)

// Check compares the committed report at path with want, what the code
// produces now. It returns "" when they match, else a unified diff from the
// file to want. A missing file differs from any report. Line endings are
// compared as \n, so a CRLF checkout is not stale.
func Check(path string, want []byte) (string, error) {
	got, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	got = bytes.ReplaceAll(got, []byte("\r\n"), []byte("\n"))
	if bytes.Equal(got, want) {
		return "", nil
	}
	return report.Diff(map[string][]byte{path: got}, map[string][]byte{path: want}), nil
}
