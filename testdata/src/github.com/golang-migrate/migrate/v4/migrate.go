// Package migrate is a stub of github.com/golang-migrate/migrate/v4 for analyzer tests.
package migrate

type Migrate struct{}

func New(sourceURL, databaseURL string) (*Migrate, error) { return nil, nil }
func (m *Migrate) Up() error                              { return nil }
func (m *Migrate) Close() (source error, database error)  { return nil, nil }
