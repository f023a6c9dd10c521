// Package testcontainers is a stub of testcontainers-go.
package testcontainers

type Container interface{ Terminate() error }
