module github.com/dbaudit/dbaudit/cmd/dbaudit

go 1.26.0

require (
	github.com/jackc/pgx/v5 v5.12.0
	github.com/rogpeppe/go-internal v1.16.0
	github.com/spf13/cobra v1.10.2
	github.com/spf13/pflag v1.0.9
	golang.org/x/mod v0.42.0 // indirect
	golang.org/x/sys v0.49.0
	golang.org/x/term v0.47.0
	golang.org/x/text v0.43.0 // indirect
	golang.org/x/tools v0.52.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)

require (
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	github.com/jackc/pgpassfile v1.0.0 // indirect
	github.com/jackc/pgservicefile v0.0.0-20240606120523-5a60cdf6a761 // indirect
	github.com/jackc/puddle/v2 v2.2.3 // indirect
	golang.org/x/sync v0.24.0 // indirect
)

require (
	github.com/dbaudit/dbaudit v0.0.0
	github.com/dbaudit/dbaudit/schemacheck v0.0.0
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3
)

replace (
	github.com/dbaudit/dbaudit => ../..
	github.com/dbaudit/dbaudit/internal/pgtest => ../../internal/pgtest
	github.com/dbaudit/dbaudit/schemacheck => ../../schemacheck
)
