package suite

import (
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/dbmodel/drivers"
)

// UseProgram tells the analyzers what only a whole-program driver knows:
// which packages only tests import (see dbindex.TestSupportPackages),
// which database/sql drivers the program imports, and which driver versions
// it uses (drivers.ProgramVersions). pkgs
// are the packages go list named, with their test variants; call it before
// the analysis starts.
func (s *Suite) UseProgram(pkgs []*packages.Package) {
	paths := dbindex.TestSupportPackages(s.Config, pkgs)
	_ = s.Index.Flags.Set(dbindex.TestSupportFlag, strings.Join(paths, ","))
	_ = s.Index.Flags.Set(dbindex.SQLDriversFlag, strings.Join(dbindex.SQLDriverPackages(pkgs), ","))
	// The driver versions the program uses, for the rules that judge
	// options by version (without the flag they read each file's go.mod).
	versions := drivers.ProgramVersions(pkgs).String()
	for _, a := range s.All {
		if a.Flags.Lookup(drivers.VersionsFlagName) != nil {
			_ = a.Flags.Set(drivers.VersionsFlagName, versions)
		}
	}
}
