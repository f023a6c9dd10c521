// Package jobs runs functions per job (rules.yaml job_runners names Every).
package jobs

import "context"

func Every(fn func(ctx context.Context)) { go fn(context.Background()) }
