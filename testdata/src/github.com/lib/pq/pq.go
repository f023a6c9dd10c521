// Package pq is a stub of github.com/lib/pq for analyzer tests.
package pq

type Connector struct{}

func NewConnector(dsn string) (*Connector, error) { return nil, nil }
func ParseURL(url string) (string, error)         { return "", nil }
