// Package asynq is a stub of the job queue's handler types.
package asynq

import "context"

type Task struct{}

type HandlerFunc func(context.Context, *Task) error

type ServeMux struct{}

func (m *ServeMux) HandleFunc(pattern string, h func(context.Context, *Task) error) {}
