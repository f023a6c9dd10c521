package api

import (
	"context"

	"example.com/nf/store"
)

func Touch(ctx context.Context) error {
	_, err := store.Pool().Exec(ctx, "UPDATE users SET seen = now()") // want `through accessor store.Pool\(\)`
	return err
}

// Without facts a differently named accessor of another package is not
// recognised (go vet -vettool and golangci-lint pass facts and do flag it).
func Touch2(ctx context.Context) error {
	_, err := store.Current().Exec(ctx, "UPDATE users SET seen = now()")
	return err
}
