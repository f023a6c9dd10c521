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
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
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
	root.SetArgs(normalizeArgs(root, args))
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

// normalizeArgs rewrites the flag spellings Go developers type into the
// ones cobra parses: a long flag with one dash (-format json, -fail-on=warning,
// as the go command and go vet take them; pflag would read -format as -f
// ormat) and go vet's -json, which means --format=json. Everything after
// "--", and the value of a flag that takes one, is left as it is.
func normalizeArgs(root *cobra.Command, args []string) []string {
	cmd, _, err := root.Find(args)
	if err != nil {
		return args
	}
	lookup := func(name string) *pflag.Flag {
		if f := cmd.Flags().Lookup(name); f != nil {
			return f
		}
		return cmd.InheritedFlags().Lookup(name)
	}
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...)
		}
		if !strings.HasPrefix(a, "-") || len(a) < 2 {
			out = append(out, a)
			continue
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if name == "json" && !hasValue && lookup("json") == nil && lookup("format") != nil {
			out = append(out, "--format=json")
			continue
		}
		var fl *pflag.Flag
		switch {
		case strings.HasPrefix(a, "--"):
			fl = lookup(name)
		case len(name) > 1 && lookup(name) != nil:
			fl = lookup(name)
			a = "-" + a
		case len(name) == 1:
			fl = cmd.Flags().ShorthandLookup(name)
			if fl == nil {
				fl = cmd.InheritedFlags().ShorthandLookup(name)
			}
		}
		out = append(out, a)
		if fl != nil && !hasValue && fl.NoOptDefVal == "" && i+1 < len(args) {
			i++ // the flag's value, whatever it looks like
			out = append(out, args[i])
		}
	}
	return out
}

func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
