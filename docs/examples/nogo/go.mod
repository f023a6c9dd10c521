// The nogo example's own module, standing for your repository's: it keeps the
// example out of the dbaudit module (integration/nogo_test.go builds it).
module example.com/monorepo

go 1.26.0

require github.com/dbaudit/dbaudit v1.0.0
