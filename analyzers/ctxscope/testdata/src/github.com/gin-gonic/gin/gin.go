// Package gin is a stub of github.com/gin-gonic/gin for analyzer tests.
package gin

import (
	"net/http"
	"time"
)

type Context struct {
	Request *http.Request
}

type HandlerFunc func(*Context)

type Engine struct{}

func New() *Engine { return &Engine{} }

func (e *Engine) GET(path string, handlers ...HandlerFunc)  {}
func (e *Engine) POST(path string, handlers ...HandlerFunc) {}

func (c *Context) Query(key string) string     { return "" }
func (c *Context) Param(key string) string     { return "" }
func (c *Context) JSON(code int, obj any)      {}
func (c *Context) Copy() *Context              { return c }
func (c *Context) Deadline() (time.Time, bool) { return time.Time{}, false }
func (c *Context) Done() <-chan struct{}       { return nil }
func (c *Context) Err() error                  { return nil }
func (c *Context) Value(key any) any           { return nil }
