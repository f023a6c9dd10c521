// Command golangci-lint is golangci-lint v2 with the dbaudit module plugin
// compiled in, built from the Go module proxy without cloning golangci-lint:
// what `golangci-lint custom` produces, for machines without GitHub access.
// It is the whole golangci-lint, so every standard linter is there too.
//
// Build it with ./build.sh OUT (see there). golangci-lint is GPL-3.0: build
// the binary where it is used, do not ship it.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"

	"github.com/golangci/golangci-lint/v2/pkg/commands"
	"github.com/golangci/golangci-lint/v2/pkg/exitcodes"

	// The dbaudit plugin registers itself as the module plugin "dbaudit".
	_ "github.com/dbaudit/dbaudit/plugin"
)

func main() {
	info := commands.BuildInfo{Version: "(devel)", Commit: "dbaudit custom build", Date: "(unknown)", GoVersion: runtime.Version()}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range bi.Deps {
			if dep.Path == "github.com/golangci/golangci-lint/v2" {
				info.Version = dep.Version + "-dbaudit-" + executableHash()
			}
		}
	}
	if err := commands.Execute(info); err != nil {
		fmt.Fprintf(os.Stderr, "The command is terminated due to an error: %v\n", err)
		os.Exit(exitcodes.Failure)
	}
}

// executableHash identifies this build. golangci-lint salts its result
// cache with the version string, so the version must change whenever the
// plugin's code does, as `golangci-lint custom`'s versions do.
func executableHash() string {
	exe, err := os.Executable()
	if err != nil {
		return "unknown"
	}
	f, err := os.Open(exe)
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "unknown"
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}
