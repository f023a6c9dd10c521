// Package pop is a stub of the ORM's connection, for the look-alike of
// kratos' update.Generic.
package pop

// Dialect quotes identifiers for the connected database.
type Dialect interface {
	Quote(key string) string
}

// Connection is a database connection of another module.
type Connection struct {
	ID        string
	TableName string
	Dialect   Dialect
}
