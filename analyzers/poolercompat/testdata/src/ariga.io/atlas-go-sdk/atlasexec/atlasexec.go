// Package atlasexec is a stub of ariga.io/atlas-go-sdk/atlasexec.
package atlasexec

import "context"

type Client struct{}

type MigrateApplyParams struct {
	URL    string
	DirURL string
}

type MigrateApply struct{}

func NewClient(workingDir, execPath string) (*Client, error) { return nil, nil }
func (c *Client) MigrateApply(ctx context.Context, params *MigrateApplyParams) (*MigrateApply, error) {
	return nil, nil
}
