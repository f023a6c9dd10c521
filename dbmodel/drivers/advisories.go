package drivers

import (
	"fmt"
	"strings"

	"golang.org/x/mod/semver"
)

// Advisory is a SQL-injection advisory of pgx's simple protocol
// (default_query_exec_mode=simple_protocol in v5, prefer_simple_protocol=true
// in v4), which interpolates arguments into the SQL text client-side.
type Advisory struct {
	ID      string // the GitHub advisory
	Aliases string // Go vulnerability database and CVE ids
	Module  string
	// Fixed is the first release of Module with the fix; "" when no release
	// of that major version has it.
	Fixed string
	What  string
}

// SimpleProtocolAdvisories are the advisories, with the fixed versions read
// from pgx's CHANGELOG.md and internal/sanitize in the module cache:
//
//   - GHSA-m7wr-2xf7-cm9p: v4 CHANGELOG 4.18.2 "Fix CVE-2024-27289"; in v5 the
//     sanitizer gains the fix (and a comment naming the advisory) in v5.5.4,
//     not in v5.5.3.
//   - GHSA-j88v-2chj-qfwx: v5 CHANGELOG 5.9.2; v4.18.3, the last v4 release,
//     has no dollar-quote state in its sanitizer.
//   - GHSA-j38q-h3ph-jjpq: v5 CHANGELOG 5.12.0, "In pgx v5 before v5.12.0";
//     the advisory names no v4 release.
var SimpleProtocolAdvisories = []Advisory{
	{ID: "GHSA-m7wr-2xf7-cm9p", Aliases: "GO-2024-2605, CVE-2024-27289", Module: ModulePgx5, Fixed: "v5.5.4",
		What: "a minus before a numeric placeholder starts a line comment"},
	{ID: "GHSA-m7wr-2xf7-cm9p", Aliases: "GO-2024-2605, CVE-2024-27289", Module: ModulePgx4, Fixed: "v4.18.2",
		What: "a minus before a numeric placeholder starts a line comment"},
	{ID: "GHSA-j88v-2chj-qfwx", Module: ModulePgx5, Fixed: "v5.9.2",
		What: "placeholders inside dollar-quoted strings are substituted"},
	{ID: "GHSA-j88v-2chj-qfwx", Module: ModulePgx4, Fixed: "",
		What: "placeholders inside dollar-quoted strings are substituted"},
	{ID: "GHSA-j38q-h3ph-jjpq", Module: ModulePgx5, Fixed: "v5.12.0",
		What: "a batch query ending in a -- comment swallows the next query's first line"},
}

// SimpleProtocolOpen returns the simple-protocol advisories the module at
// version lacks the fix for; nil when the version is unknown or has them
// all.
func SimpleProtocolOpen(module, version string) []Advisory {
	if !semver.IsValid(version) {
		return nil
	}
	var out []Advisory
	for _, a := range SimpleProtocolAdvisories {
		if a.Module == module && (a.Fixed == "" || semver.Compare(version, a.Fixed) < 0) {
			out = append(out, a)
		}
	}
	return out
}

// SafeSimpleProtocol is the first pgx v5 release with every simple-protocol
// advisory fixed.
const SafeSimpleProtocol = "v5.12.0"

// SimpleProtocolSafe reports whether the simple protocol may be recommended
// to a module requiring v: only when its pgx v5 has every fix. An unknown
// version is treated as the version the tables were measured with
// (v5.12.0), which has them.
func SimpleProtocolSafe(v Versions) bool {
	if p5 := v.Pgx5(); p5 != "" {
		return len(SimpleProtocolOpen(ModulePgx5, p5)) == 0
	}
	return v.Pgx4() == ""
}

// PoolerExecModes are the pgx v5 default_query_exec_mode values that
// prepare no named statements (and so work through a transaction-mode
// pooler), for a module requiring v: simple_protocol only where the
// module's pgx has the advisories' fixes.
func PoolerExecModes(v Versions) []string {
	modes := []string{"cache_describe", "describe_exec", "exec"}
	if SimpleProtocolSafe(v) {
		modes = append(modes, "simple_protocol")
	}
	return modes
}

// advisoryIDs lists the advisories' ids.
func advisoryIDs(as []Advisory) string {
	var ids []string
	seen := map[string]bool{}
	for _, a := range as {
		if !seen[a.ID] {
			seen[a.ID] = true
			ids = append(ids, a.ID)
		}
	}
	return strings.Join(ids, ", ")
}

// advisoryHelp explains the open advisories and the way out.
func advisoryHelp(module, version string, as []Advisory) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s interpolates arguments into the SQL text in the simple protocol and lacks these fixes:", module, version)
	for _, a := range as {
		fixed := "no fix in this major version"
		if a.Fixed != "" {
			fixed = "fixed in " + a.Fixed
		}
		alias := ""
		if a.Aliases != "" {
			alias = " (" + a.Aliases + ")"
		}
		fmt.Fprintf(&b, "\n  %s%s: %s; %s", a.ID, alias, a.What, fixed)
	}
	return b.String()
}
