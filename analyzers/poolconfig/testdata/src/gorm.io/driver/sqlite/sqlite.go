// Package sqlite is a stub of gorm's SQLite dialector.
package sqlite

import "gorm.io/gorm"

type Dialector struct{ DSN string }

func (d Dialector) Name() string { return "sqlite" }

func Open(dsn string) gorm.Dialector { return &Dialector{DSN: dsn} }
