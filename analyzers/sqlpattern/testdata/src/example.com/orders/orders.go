package orders

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jmoiron/sqlx"
	"gorm.io/gorm"
)

const (
	base     = "SELECT id, total FROM orders"
	byTenant = base + " WHERE tenant_id = $1"
)

type Store struct {
	pool *pgxpool.Pool
	db   *sql.DB
	x    *sqlx.DB
	g    *gorm.DB
}

func (s *Store) ConstChain(ctx context.Context, tenant int64) {
	rows, _ := s.pool.Query(ctx, byTenant, tenant) // want `SQL passed to pgxpool.Pool.Query: tenant_id filters were retired`
	rows.Close()
}

func (s *Store) Literal(ctx context.Context, tenant int64) {
	_, _ = s.pool.Exec(ctx, "DELETE FROM orders WHERE tenant_id=$1", tenant) // want `: tenant_id filters were retired`
}

func (s *Store) Concatenated(ctx context.Context, tenant int64, order string) {
	rows, _ := s.db.QueryContext(ctx, base+" WHERE TENANT_ID = $1 ORDER BY "+order, tenant) // want `sql.DB.QueryContext: tenant_id filters were retired`
	rows.Close()
}

func (s *Store) BuiltInSteps(ctx context.Context, tenant int64, paid bool) {
	q := base
	if paid {
		q += " WHERE paid"
	} else {
		q += " WHERE tenant_id = $1"
	}
	_, _ = s.db.ExecContext(ctx, q, tenant) // want `SQL passed to sql.DB.ExecContext: tenant_id filters were retired`
}

func (s *Store) Sprintf(ctx context.Context, table string) {
	_, _ = s.db.Exec(fmt.Sprintf("UPDATE %s SET total = 0 WHERE tenant_id = $1", table), 1) // want `sql.DB.Exec: tenant_id filters were retired`
}

func (s *Store) Sqlx(tenant int64) {
	var ids []int64
	_ = s.x.Select(&ids, "SELECT id FROM orders WHERE tenant_id = ?", tenant) // want `sqlx.DB.Select: tenant_id filters were retired`
	_ = sqlx.Get(s.x, &ids, byTenant, tenant)                                 // want `sqlx.Get: tenant_id filters were retired`
}

func (s *Store) Gorm(tenant int64) {
	var n int64
	s.g.Raw(byTenant, tenant).Scan(&n)                 // want `gorm.DB.Raw: tenant_id filters were retired`
	s.g.Where("tenant_id = ?", tenant).Find(&n)        // want `gorm.DB.Where: tenant_id filters were retired`
	s.g.Where(map[string]any{"tenant_id": 1}).Find(&n) // a map condition is not SQL text
	s.g.Where("id = ?", 1).Find(&n)
}

func (s *Store) Batch(ctx context.Context) {
	b := &pgx.Batch{}
	b.Queue("UPDATE orders SET total = 0 WHERE tenant_id = $1", 1) // want `pgx.Batch.Queue: tenant_id filters were retired`
	b.Queue("UPDATE orders SET total = 0 WHERE id = $1", 1)
	s.pool.SendBatch(ctx, b).Close()
}

func (s *Store) InClosure(ctx context.Context) {
	q := byTenant
	go func() {
		_, _ = s.pool.Exec(context.Background(), q, 1) // want `: tenant_id filters were retired`
	}()
}

// Look-alikes: the column is selected or compared on the left of something
// else, the text never reaches the database, a type that is not a driver.

func (s *Store) Selected(ctx context.Context) {
	rows, _ := s.pool.Query(ctx, "SELECT tenant_id, total FROM orders WHERE id = $1", 1)
	rows.Close()
	_, _ = s.pool.Exec(ctx, "UPDATE orders SET total = 0 WHERE id = $1 -- was tenant_id based", 1)
}

func (s *Store) Dynamic(ctx context.Context, q string) {
	_, _ = s.pool.Exec(ctx, q) // run-time text: out of reach
}

func Logged() {
	fmt.Println("WHERE tenant_id = $1") // not a database call
	_ = strings.Contains(byTenant, "tenant_id = ")
}

type fakeDB struct{}

func (fakeDB) Query(ctx context.Context, sql string, args ...any) error { return nil }
func (fakeDB) Exec(ctx context.Context, sql string, args ...any) error  { return nil }

func NotADriver(ctx context.Context) {
	var f fakeDB // a concrete type with driver-like method names
	_ = f.Query(ctx, byTenant, 1)
}

func Suppressed(ctx context.Context, pool *pgxpool.Pool) {
	//dbaudit:ignore sqlpattern -- the archive table keeps the old column on purpose
	_, _ = pool.Exec(ctx, "DELETE FROM orders_archive WHERE tenant_id = $1", 1)
}
