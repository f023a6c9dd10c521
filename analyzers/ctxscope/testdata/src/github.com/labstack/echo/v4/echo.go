// Package echo is a stub of github.com/labstack/echo/v4 for analyzer tests.
package echo

import "net/http"

type Context interface {
	Request() *http.Request
	QueryParam(name string) string
	JSON(code int, i any) error
}

type HandlerFunc func(Context) error

type Echo struct{}

func New() *Echo { return &Echo{} }

func (e *Echo) GET(path string, h HandlerFunc) {}
