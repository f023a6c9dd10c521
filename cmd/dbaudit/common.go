package main

import (
	"fmt"
	"io"
	"os"
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
	fs.StringVar(&o.config, "config", "", "rules.yaml to use (default: the first rules.yaml above the working directory, else the built-in default)")
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

// openOutput returns where the report goes and a function that finishes it.
func (o *outputFlags) openOutput(cmd *cobra.Command) (io.Writer, func() error, error) {
	if o.output == "" || o.output == "-" {
		return cmd.OutOrStdout(), func() error { return nil }, nil
	}
	f, err := os.Create(o.output)
	if err != nil {
		return nil, nil, err
	}
	return f, f.Close, nil
}

// progressFor returns a terminal progress line on stderr when wanted.
func progressFor(cmd *cobra.Command) *report.Progress {
	f, ok := cmd.ErrOrStderr().(*os.File)
	return report.NewProgress(cmd.ErrOrStderr(), ok && report.ProgressWanted(f))
}
