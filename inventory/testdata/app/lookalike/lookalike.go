// Package lookalike calls methods named like database APIs on other types.
package lookalike

import (
	"context"
	"net/url"
	"strings"
)

type Client struct{}

func (c *Client) Query(ctx context.Context, q string) ([]string, error) { return nil, nil }
func (c *Client) Begin(ctx context.Context) error                       { return nil }
func (c *Client) Exec(ctx context.Context, q string, args ...any) error { return nil }

func Use(ctx context.Context, c *Client, u *url.URL) { // touch: none
	c.Query(ctx, "select 1")   // touch: none
	c.Begin(ctx)               // touch: none
	c.Exec(ctx, "delete")      // touch: none
	_ = u.Query().Get("q")     // touch: none
	_ = strings.NewReader("x") // touch: none
}
