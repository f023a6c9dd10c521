// Package echo is a stub of github.com/labstack/echo/v4 for analyzer tests.
package echo

import "net/http"

type Context interface {
	Request() *http.Request
	Param(name string) string
	QueryParam(name string) string
	FormValue(name string) string
	JSON(code int, i any) error
}
