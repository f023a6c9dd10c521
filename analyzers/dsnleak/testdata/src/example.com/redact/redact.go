// Package redact uses a redaction helper rules.yaml names in redactors.
package redact

import (
	"log"
	"os"
	"strings"
)

// Hide keeps the scheme and host of a connection string.
func Hide(dsn string) string {
	if i := strings.LastIndexByte(dsn, '@'); i >= 0 {
		return "postgres://***@" + dsn[i+1:]
	}
	return dsn
}

func connect() {
	dsn := os.Getenv("DATABASE_URL")
	log.Printf("connecting to %s", Hide(dsn))
}
