package suite

import (
	"github.com/dbaudit/dbaudit/analyzers/internal/drivers"
	"github.com/dbaudit/dbaudit/analyzers/internal/dsn"
	"github.com/dbaudit/dbaudit/rules"
)

// DSNProblem is one thing a driver or the server will not do with a
// connection string, as the driveropts rule judges it.
type DSNProblem struct {
	Key     string
	Message string
	// Breaks is true when the driver or server refuses the string (rather
	// than silently ignoring a key).
	Breaks bool
}

// CheckDSN judges a connection string handed to sink (pgx, pgxpool, pgconn,
// stdlib, libpq, gorm, migrate) with the driveropts tables, extended by
// rules.yaml drivers — for dbaudit doctor, which has a string at run time
// rather than in source.
func CheckDSN(cfg *rules.Config, sink, connString string) ([]DSNProblem, error) {
	tables, err := drivers.New(cfg)
	if err != nil {
		return nil, err
	}
	s := tables.Sink(sink)
	if s == nil {
		return nil, nil
	}
	var out []DSNProblem
	for _, p := range s.Check(dsn.Parse(connString)) {
		out = append(out, DSNProblem{Key: p.Key, Message: p.Message(), Breaks: p.Kind != drivers.Ignored})
	}
	return out, nil
}
