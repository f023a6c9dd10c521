// Package pq is a stub of github.com/lib/pq for analyzer tests.
package pq

type Connector struct{}

func NewConnector(dsn string) (*Connector, error) { return nil, nil }
func ParseURL(url string) (string, error)         { return "", nil }

// QuoteIdentifier and QuoteLiteral quote a name or a value for SQL text.
func QuoteIdentifier(name string) string { return name }
func QuoteLiteral(literal string) string { return literal }
