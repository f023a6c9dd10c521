package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/dbaudit/dbaudit/report"
	"github.com/dbaudit/dbaudit/rules"
)

// outputFlags are the flags every reporting command shares.
type outputFlags struct {
	config string
	format string
	output string
	failOn string
}

func (o *outputFlags) register(fs *pflag.FlagSet, formats []string) {
	fs.StringVar(&o.config, "config", "", "config file to use (default: the nearest .dbaudit.yaml or rules.yaml up to the module root, else the built-in default)")
	fs.StringVarP(&o.format, "format", "f", formats[0], "output format: "+strings.Join(formats, ", "))
	fs.StringVarP(&o.output, "output", "o", "", "write the report to this file instead of standard output")
	fs.StringVar(&o.failOn, "fail-on", "error", "exit 1 when a finding is at or above this severity: error, warning, info")
}

// loadConfig resolves rules.yaml for the working directory.
func (o *outputFlags) loadConfig() (*rules.Config, error) {
	wd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	return rules.Resolve(wd, o.config)
}

func (o *outputFlags) failOnSeverity() (rules.Severity, error) {
	s, err := rules.ParseSeverity(o.failOn)
	if err != nil {
		return "", usageError{fmt.Errorf("--fail-on: %v", err)}
	}
	return s, nil
}

func checkFormat(format string, formats []string) error {
	for _, f := range formats {
		if f == format {
			return nil
		}
	}
	return usageError{fmt.Errorf("--format %q: valid formats are %s", format, strings.Join(formats, ", "))}
}

// toFile reports whether --output names a file (not stdout).
func (o *outputFlags) toFile() bool { return o.output != "" && o.output != "-" }

// emit sends a finished report to --output, atomically, or to stdout.
// Commands build the whole report first and call emit only when the run
// succeeded, so a failed run never replaces a good file.
func (o *outputFlags) emit(cmd *cobra.Command, data []byte) error {
	if !o.toFile() {
		_, err := cmd.OutOrStdout().Write(data)
		return err
	}
	return writeFileAtomic(o.output, data)
}

// openOutput returns where a report goes and a function that finishes it:
// stdout, or a buffer that finish writes to --output atomically.
func (o *outputFlags) openOutput(cmd *cobra.Command) (io.Writer, func() error, error) {
	if !o.toFile() {
		return cmd.OutOrStdout(), func() error { return nil }, nil
	}
	var buf bytes.Buffer
	return &buf, func() error { return writeFileAtomic(o.output, buf.Bytes()) }, nil
}

// notWritten says that --output was left alone because the run failed.
func (o *outputFlags) notWritten(cmd *cobra.Command) {
	if o.toFile() {
		fmt.Fprintf(cmd.ErrOrStderr(), "dbaudit: %s not written: the run failed\n", o.output)
	}
}

// writeFileAtomic replaces name with data through a temporary file in the
// same directory and a rename, so that readers, and the file after a crash
// or a full disk, hold the old content or the new, never a part. An
// existing file keeps its permissions; a new one gets 0644.
func writeFileAtomic(name string, data []byte) error {
	perm := os.FileMode(0o644)
	if st, err := os.Stat(name); err == nil {
		perm = st.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(perm)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), name)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}

// progressFor returns a terminal progress line on stderr when wanted.
func progressFor(cmd *cobra.Command) *report.Progress {
	f, ok := cmd.ErrOrStderr().(*os.File)
	return report.NewProgress(cmd.ErrOrStderr(), ok && progressWanted(f))
}
