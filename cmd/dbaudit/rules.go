package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/dbaudit/dbaudit/analyzers/suite"
	"github.com/dbaudit/dbaudit/rules"
)

func init() {
	register(newRulesCmd)
	register(newInitCmd)
}

func newRulesCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "rules [NAME]",
		Short: "List the rules with their one-line docs, or print one rule's full doc",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s := suite.New(rules.Default(""))
			out := cmd.OutOrStdout()
			if len(args) == 1 {
				a := s.Lookup(args[0])
				if a == nil {
					return usageError{fmt.Errorf("unknown rule %q: run 'dbaudit rules' for the list", args[0])}
				}
				fmt.Fprintln(out, a.Doc)
				return nil
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			for _, a := range s.All {
				fmt.Fprintf(tw, "%s\t%s\n", a.Name, suite.Summary(a))
			}
			return tw.Flush()
		},
	}
}

func newInitCmd() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Write a commented starter rules.yaml",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			path := filepath.Join(dir, rules.FileName)
			if _, err := os.Stat(path); err == nil && !force {
				return fmt.Errorf("%s already exists: use --force to overwrite it", path)
			} else if err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
			if err := os.WriteFile(path, rules.Starter(), 0o644); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s\n", path)
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "overwrite an existing rules.yaml")
	return cmd
}
