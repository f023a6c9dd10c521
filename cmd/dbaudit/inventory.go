package main

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/dbaudit/dbaudit/engine"
	"github.com/dbaudit/dbaudit/inventory"
)

func init() { register(newInventoryCmd) }

type inventoryFlags struct {
	outputFlags
	check    string
	history  string
	linkBase string
	noTests  bool
	tags     string
	timings  bool
	noCache  bool
}

func newInventoryCmd() *cobra.Command {
	var f inventoryFlags
	cmd := &cobra.Command{
		Use:   "inventory [packages]",
		Short: "List where the code touches the database, and how much of it is compliant",
		Long: `Inventory lists every database touchpoint of the packages (default ./...):
constructions, queries, execs, transactions, acquisitions, batches, copies,
prepares, injected handles and package-level handles, each with its enclosing
function, component and the ids of any 'dbaudit check' findings there. It
loads the packages once and runs the rules in the same pass.

Formats: markdown (default), json, csv, html (a self-contained dashboard).
Without --format, the format follows the extension of --output or --check.

  dbaudit inventory ./... --output INVENTORY.md
  dbaudit inventory ./... --check INVENTORY.md      # in CI: exit 1 when stale
  dbaudit inventory ./... --format html --history inventory-history.jsonl -o inventory.html

--check compares the touchpoints (file, function, kind, API, component and
findings), not their line numbers: adding a comment above a query keeps a
committed inventory current.

Exit status: 0 written (or, with --check, current), 1 the --check file is
stale (the touchpoints added and removed are printed), 2 bad usage, a bad rules.yaml or packages that
could not be loaded.`,
		RunE: func(cmd *cobra.Command, args []string) error { return runInventory(cmd, args, &f) },
	}
	fs := cmd.Flags()
	fs.StringVar(&f.config, "config", "", "config file to use (default: the nearest .dbaudit.yaml or rules.yaml up to the module root, else the built-in default)")
	fs.StringVarP(&f.format, "format", "f", "", "output format: "+strings.Join(inventory.Formats, ", ")+" (default: from the file extension, else markdown)")
	fs.StringVarP(&f.output, "output", "o", "", "write the inventory to this file instead of standard output")
	fs.StringVar(&f.check, "check", "", "regenerate the inventory and compare its touchpoints (not line numbers) with this file: exit 1, listing what changed, when it is stale")
	fs.StringVar(&f.history, "history", "", "append this run's summary figures to this JSON-lines file; the html format draws them as a trend")
	fs.StringVar(&f.linkBase, "link-base", "", "prefix file links with this URL (e.g. https://github.com/org/repo/blob/main/) instead of linking relative to the output file")
	fs.BoolVar(&f.noTests, "no-tests", false, "leave _test.go files out")
	fs.BoolVar(&f.noCache, "no-cache", false, "neither read nor write the result cache (see dbaudit cache)")
	fs.StringVar(&f.tags, "tags", "", "build tags, as for go build")
	fs.BoolVar(&f.timings, "timings", false, "print the time spent loading, in each analyzer, collecting and writing to stderr")
	return cmd
}

func runInventory(cmd *cobra.Command, args []string, f *inventoryFlags) error {
	target := f.output
	switch {
	case f.check != "" && f.output != "":
		return usageError{errors.New("--check and --output are exclusive: --check compares, --output writes")}
	case f.check != "" && f.history != "":
		return usageError{errors.New("--check and --history are exclusive: a check must not change the history")}
	case f.check != "":
		target = f.check
	}
	format := f.format
	if format == "" {
		format = inventory.FormatOf(target)
	}
	if format == "" {
		format = "markdown"
	}
	if err := checkFormat(format, inventory.Formats); err != nil {
		return err
	}
	cfg, err := f.loadConfig()
	if err != nil {
		return err
	}
	var history []inventory.HistoryEntry
	if f.history != "" {
		if history, err = inventory.ReadHistory(f.history); err != nil {
			return err
		}
	}

	progress := progressFor(cmd)
	opts := engine.Options{Patterns: args, Config: cfg, NoTests: f.noTests, Progress: progress, NoCache: f.noCache}
	if f.tags != "" {
		opts.BuildFlags = []string{"-tags=" + f.tags}
	}
	inv, res, err := inventory.Run(opts)
	progress.Done()
	if err != nil {
		return err
	}
	t0 := time.Now()
	if f.history != "" {
		entry := inventory.NewHistoryEntry(inv, ".")
		if err := inventory.AppendHistory(f.history, entry); err != nil {
			return err
		}
		history = append(history, entry)
	}

	var buf bytes.Buffer
	wopts := inventory.WriteOptions{Format: format, Dir: ".", Output: target, LinkBase: f.linkBase, History: history}
	if err := inventory.Write(&buf, inv, wopts); err != nil {
		return err
	}
	if f.timings {
		// Report covers collecting the touchpoints (inventory.Run) and writing them.
		res.Timings.Report += time.Since(t0)
		printTimings(cmd, res.Timings)
	}
	status := exitClean
	if f.check != "" {
		diff, err := inventory.Check(f.check, buf.Bytes())
		if err != nil {
			return err
		}
		if diff != "" {
			fmt.Fprint(cmd.OutOrStdout(), diff)
			fmt.Fprintf(cmd.ErrOrStderr(), "dbaudit: %s is not the current inventory; regenerate it with:\n  dbaudit inventory %s--output %s\n",
				f.check, regenerateArgs(cmd, args), f.check)
			status = exitFindings
		}
	} else if len(res.LoadErrors) > 0 && f.toFile() {
		f.notWritten(cmd) // a failed run leaves the committed inventory alone
	} else if err := f.emit(cmd, buf.Bytes()); err != nil {
		return err
	}
	if len(res.LoadErrors) > 0 {
		for _, e := range res.LoadErrors {
			if pos := e.Pos(); pos != "" {
				fmt.Fprintf(cmd.ErrOrStderr(), "%s: load error: %s\n", pos, e.Message)
			} else {
				fmt.Fprintf(cmd.ErrOrStderr(), "load error: %s\n", e.Message)
			}
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "dbaudit: %d package load or type error(s): the inventory may be incomplete\n", len(res.LoadErrors))
		return exitCode(exitError)
	}
	return exitCode(status)
}

// regenerateArgs repeats the flags that shape the report, and the packages.
func regenerateArgs(cmd *cobra.Command, args []string) string {
	var sb strings.Builder
	for _, name := range []string{"config", "format", "link-base", "no-tests", "tags"} {
		if fl := cmd.Flags().Lookup(name); fl != nil && fl.Changed {
			fmt.Fprintf(&sb, "--%s=%s ", name, fl.Value.String())
		}
	}
	for _, a := range args {
		sb.WriteString(a + " ")
	}
	return sb.String()
}
