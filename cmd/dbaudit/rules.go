package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/dbaudit/dbaudit/analyzers/suite"
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/rules"
	"github.com/dbaudit/dbaudit/rules/propose"
	"github.com/dbaudit/dbaudit/schemacheck"
)

func init() {
	register(newRulesCmd)
	register(newInitCmd)
}

func newRulesCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "rules [ID]",
		Short: "List every id a finding can carry with its one-line doc, or print one id's full doc",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s := suite.New(rules.Default(""))
			out := cmd.OutOrStdout()
			if len(args) == 1 {
				return printRuleDoc(out, s, args[0])
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			for _, a := range s.All {
				fmt.Fprintf(tw, "%s\t%s\n", a.Name, suite.Summary(a))
			}
			fmt.Fprintf(tw, "%s\t%s\n", dbindex.IgnoreRule, ignoreSummary())
			for _, r := range schemacheck.Rules {
				fmt.Fprintf(tw, "%s\t(schemacheck) %s\n", r.ID, r.Short)
			}
			return tw.Flush()
		},
	}
}

// printRuleDoc prints the doc of any id a finding can carry: a check rule,
// the ignore directive's, or a schemacheck finding kind.
func printRuleDoc(out io.Writer, s *suite.Suite, id string) error {
	if a := s.Lookup(id); a != nil {
		_, err := fmt.Fprintln(out, a.Doc)
		return err
	}
	if id == dbindex.IgnoreRule {
		_, err := fmt.Fprintln(out, dbindex.IgnoreDoc)
		return err
	}
	for _, r := range schemacheck.Rules {
		if r.ID == id {
			_, err := fmt.Fprintf(out, "%s: %s\n\nReported by 'dbaudit schemacheck' (default severity: %s).\n", r.ID, r.Short, r.Severity)
			return err
		}
	}
	return usageError{fmt.Errorf("unknown rule %q: run 'dbaudit rules' for the list", id)}
}

func ignoreSummary() string {
	first, _, _ := strings.Cut(dbindex.IgnoreDoc, "\n")
	return strings.TrimPrefix(first, dbindex.IgnoreRule+": ")
}

func newInitCmd() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Write a commented starter " + rules.DotFileName,
		Long: "Write a commented starter " + rules.DotFileName + " into DIR (default: the working directory).\n" +
			"dbaudit reads the nearest " + rules.DotFileName + " (or " + rules.FileName + ") up to the module root.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			path := filepath.Join(dir, rules.DotFileName)
			if err := initTarget(path, filepath.Join(dir, rules.FileName), force); err != nil {
				return err
			}
			starter := rules.Starter()
			// The packages that build pools today become approved_packages,
			// so "not approved" findings start with what is new.
			if pkgs, err := propose.ApprovedPackages(dir); err != nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "approved_packages left empty: the packages could not be loaded (%v)\n", err)
			} else if len(pkgs) > 0 {
				starter = propose.Starter(pkgs)
				fmt.Fprintf(cmd.OutOrStdout(), "approved_packages: %s (the packages that build pools today)\n", strings.Join(pkgs, ", "))
			}
			if err := os.WriteFile(path, starter, 0o644); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s\n", path)
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "overwrite an existing "+rules.DotFileName)
	return cmd
}

// initTarget refuses to overwrite a configuration, or to shadow a
// rules.yaml that is dbaudit's; a rules.yaml that is not (some other tool's)
// is left alone, since the new file is read before it.
func initTarget(path, legacy string, force bool) error {
	if force {
		return nil
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s already exists: use --force to overwrite it", path)
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if _, err := rules.Load(legacy); err == nil {
		return fmt.Errorf("%s already configures dbaudit here: rename it to %s, or use --force to write %s, which is read first", legacy, rules.DotFileName, rules.DotFileName)
	}
	return nil
}
