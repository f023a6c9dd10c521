package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/dbaudit/dbaudit/schemacheck"
	"github.com/dbaudit/dbaudit/schemacheck/doctor"
)

func init() { register(newDoctorCmd) }

type doctorFlags struct {
	outputFlags
	dsn     string
	driver  string
	timeout time.Duration
}

var doctorFormats = []string{"text", "json"}

func newDoctorCmd() *cobra.Command {
	var f doctorFlags
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check the database connection a service will use, before a deploy",
		Long: `Doctor parses the DSN as the driver does, connects through it, and reports
the server version, TLS, round-trip latency, search_path, statement_timeout,
and whether the endpoint is a transaction-mode pooler (rules.yaml pooler)
together with the exec mode in effect.

The DSN comes from --dsn, the variable named by rules.yaml schema.dsn_env, or
$DATABASE_URL; it is printed with its password masked.

Exit status: 0 nothing will break, 1 a check failed (the configuration will
break the service), 2 bad usage, a bad rules.yaml, or a database that cannot
be reached.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runDoctor(cmd, &f) },
	}
	fs := cmd.Flags()
	fs.StringVar(&f.config, "config", "", "config file to use (default: the nearest .dbaudit.yaml or rules.yaml up to the module root, else the built-in default)")
	fs.StringVarP(&f.format, "format", "f", "text", "output format: "+strings.Join(doctorFormats, ", "))
	fs.StringVarP(&f.output, "output", "o", "", "write the report to this file instead of standard output")
	fs.StringVar(&f.dsn, "dsn", "", "connection string (default: $DATABASE_URL or rules.yaml schema.dsn_env)")
	fs.StringVar(&f.driver, "driver", "pgxpool", "driver the service connects through: "+strings.Join(doctor.Drivers, ", "))
	fs.DurationVar(&f.timeout, "timeout", 10*time.Second, "time allowed for the whole check")
	return cmd
}

func runDoctor(cmd *cobra.Command, f *doctorFlags) error {
	if err := checkFormat(f.format, doctorFormats); err != nil {
		return err
	}
	if !slices.Contains(doctor.Drivers, f.driver) {
		return usageError{fmt.Errorf("--driver %q: valid drivers are %s", f.driver, strings.Join(doctor.Drivers, ", "))}
	}
	cfg, err := f.loadConfig()
	if err != nil {
		return err
	}
	dsn, _ := schemacheck.ResolveDSN(f.dsn, cfg, os.Getenv)
	if dsn == "" {
		return usageError{fmt.Errorf("no database to check: pass --dsn, or set $DATABASE_URL or the variable rules.yaml schema.dsn_env names")}
	}
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	r := doctor.Run(ctx, doctor.Options{DSN: dsn, Config: cfg, Driver: f.driver, Timeout: f.timeout})
	var buf bytes.Buffer
	if f.format == "json" {
		err = r.WriteJSON(&buf)
	} else {
		err = r.WriteText(&buf)
	}
	if err != nil {
		return err
	}
	if r.Unreachable && f.toFile() {
		// A failed run leaves the previous report in place.
		_, _ = cmd.ErrOrStderr().Write(buf.Bytes())
		f.notWritten(cmd)
	} else if err := f.emit(cmd, buf.Bytes()); err != nil {
		return err
	}
	switch {
	case r.Unreachable:
		return exitCode(exitError)
	case r.Broken():
		return exitCode(exitFindings)
	}
	return nil
}
