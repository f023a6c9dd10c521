package web

import (
	"context"

	"github.com/gin-gonic/gin"
	"github.com/gofiber/fiber/v2"
	"github.com/labstack/echo/v4"
)

func GinRoutes(e *gin.Engine, s *Server) {
	e.GET("/visits", func(c *gin.Context) {
		_ = c.Query("path")                                   // gin's Query: not a database call
		_ = s.pool.QueryRow(context.Background(), "SELECT 1") // want `pgxpool.Pool.QueryRow in a gin handler runs under context.Background\(\)`
		_ = s.pool.QueryRow(c.Request.Context(), "SELECT 1")
		go func() {
			_, _ = s.pool.Exec(c.Request.Context(), "SELECT 1") // want `pgxpool.Pool.Exec in a goroutine uses the request's context`
		}()
	})
}

func (s *Server) EchoVisits(c echo.Context) error {
	_ = c.QueryParam("path")
	rows, err := s.db.Query("SELECT 1") // want `sql.DB.Query in an echo handler takes no context`
	if err == nil {
		rows.Close()
	}
	_ = s.db.QueryRowContext(c.Request().Context(), "SELECT 1")
	return nil
}

func FiberRoutes(app *fiber.App, s *Server) {
	app.Get("/visits", func(c *fiber.Ctx) error {
		_ = c.Query("path")
		_, err := s.pool.Exec(context.TODO(), "SELECT 1") // want `pgxpool.Pool.Exec in a fiber handler runs under context.TODO\(\)`
		_, _ = s.pool.Exec(c.UserContext(), "SELECT 1")
		return err
	})
}
