package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/dbaudit/dbaudit/engine"
)

func init() { register(newCacheCmd) }

func newCacheCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cache",
		Short: "Manage the result cache (per-package findings, facts and inventory data)",
		Long: `dbaudit caches each package's results in the user cache directory (` + engine.CacheEnv + `
relocates it), keyed by the package's files, its dependencies, rules.yaml, the build
flags and the dbaudit binary, so a warm run loads only what changed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "clean",
		Short: "Remove every cached result",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := engine.CleanCache()
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "dbaudit: removed %s\n", dir)
			return nil
		},
	})
	return cmd
}
