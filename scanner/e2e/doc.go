// Package e2e holds the scanner service's end-to-end tests: they build
// cmd/scanner and run it as a subprocess against a test database and fixture
// sites (migrate, kill and restart, graceful shutdown). It has no code of
// its own.
package e2e
