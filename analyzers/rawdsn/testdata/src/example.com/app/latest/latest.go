// Package latest merely ends in "test": production code, judged.
package latest

const DSN = "postgres://app:hunter2@db.internal:5432/app" // want `a database password is written into the code`
