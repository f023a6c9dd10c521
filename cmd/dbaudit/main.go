// Command dbaudit checks how Go services reach PostgreSQL: `check` runs the
// analyzers, `inventory` lists the database touchpoints, `schemacheck`
// compares models and SQL with a live catalog. See README.md.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Exit codes shared by every command (DESIGN.md).
const (
	exitClean    = 0
	exitFindings = 1
	exitError    = 2
)

// exitCode carries a command's exit status without an error message.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// subcommands registered by each command's file.
var subcommands []func() *cobra.Command

func register(mk func() *cobra.Command) { subcommands = append(subcommands, mk) }

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "dbaudit",
		Short:         "Checks how Go services reach PostgreSQL",
		Version:       version(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{err}
	})
	for _, mk := range subcommands {
		root.AddCommand(mk())
	}
	return root
}

// usageError marks bad flags and arguments (exit 2, with a usage hint).
type usageError struct{ error }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	var code exitCode
	var usage usageError
	switch {
	case err == nil:
		return exitClean
	case errors.As(err, &code):
		return int(code)
	case errors.As(err, &usage):
		fmt.Fprintf(stderr, "dbaudit: %v\nRun 'dbaudit --help' for usage.\n", usage.error)
		return exitError
	default:
		fmt.Fprintf(stderr, "dbaudit: %v\n", err)
		return exitError
	}
}

func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
