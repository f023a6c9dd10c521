// Package integration holds the end-to-end tests of dbaudit inside the tools
// teams already run: golangci-lint (the module plugin, in a custom build made
// offline from the module proxy), go vet -vettool (cmd/dbaudit-vet),
// pre-commit (.pre-commit-hooks.yaml) and GitHub Actions (action.yml and the
// workflows, checked with actionlint). Each test runs the real tool on the
// fixture modules under testdata and compares its findings with dbaudit
// check's. The ones that build tools for minutes run with DBAUDIT_SLOW=1.
package integration
