// Package redact is a stub of dbaudit's dbmodel/redact for analyzer tests.
package redact

func DSN(s string) string               { return s }
func Secrets(text, dsn string) string   { return text }
func Error(err error, dsn string) error { return err }
