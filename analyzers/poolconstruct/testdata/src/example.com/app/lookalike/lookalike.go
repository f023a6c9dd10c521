// Package lookalike has functions named like constructors that are not.
package lookalike

import (
	"context"
	"net/http"
	"os"
)

type Opener struct{}

func (Opener) Open(name, dsn string) error { return nil }

func New(ctx context.Context, dsn string) error { return nil }

func Connect(ctx context.Context, s string) error { return nil }

func Handle(w http.ResponseWriter, r *http.Request) {
	var o Opener
	_ = o.Open("postgres", "postgres://x@y/z")
	_ = New(r.Context(), "postgres://x@y/z")
	_ = Connect(r.Context(), "")
	f, _ := os.Open("/etc/hosts")
	f.Close()
}
