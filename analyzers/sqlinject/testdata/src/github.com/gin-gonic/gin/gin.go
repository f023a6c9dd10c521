// Package gin is a stub of github.com/gin-gonic/gin for analyzer tests.
package gin

import "net/http"

type Context struct {
	Request *http.Request
}

func (c *Context) Query(key string) string             { return "" }
func (c *Context) Param(key string) string             { return "" }
func (c *Context) PostForm(key string) string          { return "" }
func (c *Context) GetHeader(key string) string         { return "" }
func (c *Context) ShouldBindJSON(obj any) error        { return nil }
func (c *Context) JSON(code int, obj any)              {}
func (c *Context) DefaultQuery(key, def string) string { return def }
