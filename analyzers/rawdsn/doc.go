// Package rawdsn defines an analyzer that reports connection strings written
// into non-test code.
//
// # Analyzer rawdsn
//
// rawdsn: connection strings belong in configuration, and passwords never in code
//
// A connection string literal fixes where a service connects at build time,
// the same for every environment; with a password in it, everyone who can
// read the repository or the binary holds the credential, and rotating it
// needs a release. The analyzer reports string literals and constant
// expressions (const chains and "a" + "b" fold) that are PostgreSQL
// connection strings, in the URL form (postgres://, postgresql://, and
// other ecosystems' postgresql+asyncpg://, jdbc:postgresql://) or the
// keyword/value form (host=… dbname=…), including the constant parts of
// strings built at run time (fmt.Sprintf formats, "postgres://app:pw@" +
// host). A password makes the finding an error; without one it is a
// warning (rules.yaml rules.rawdsn.severity overrides both). Literal
// passwords handed to url.UserPassword or assigned to a pgconn config's
// Password field are errors too.
//
// Silent: other URLs (https://, redis://), templates and help texts whose
// parts are placeholders (postgres://USER:PASSWORD@HOST/DB,
// postgres://%s:%s@%s/%s, ${DB_HOST}, <password>), _test.go files, files
// under testdata, and test-support packages: those importing testing,
// testcontainers-go, dockertest, ginkgo, gomega or testify outside their
// _test.go files, those under a directory named testing, testutil(s),
// testhelper(s), e2e, acceptance, integration-tests or the like, those that
// only tests import (dbaudit check reads the import graph), names ending in
// testutil(s), testhelper(s) or testsupport, and rules.yaml test_packages.
// A name that merely ends in "test" (latest) is production code.
//
// Bad:
//
//	pool, err := pgxpool.New(ctx, "postgres://orders:s3cr3t@db.internal:5432/orders")
//
// Good:
//
//	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
package rawdsn
