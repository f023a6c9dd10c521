// Package fiber is a stub of github.com/gofiber/fiber/v2 for analyzer tests.
package fiber

import "context"

type Ctx struct{}

type Handler = func(*Ctx) error

type App struct{}

func New() *App { return &App{} }

func (a *App) Get(path string, handlers ...Handler) {}

func (c *Ctx) UserContext() context.Context                    { return nil }
func (c *Ctx) Query(key string, defaultValue ...string) string { return "" }
func (c *Ctx) JSON(data any) error                             { return nil }
