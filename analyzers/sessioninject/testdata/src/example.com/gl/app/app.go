package app

import (
	"context"
	"database/sql"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"gorm.io/gorm"
)

// A package-level struct holding the handle is a global too.
var state struct {
	DB *sql.DB
}

func Save(name string) error {
	_, err := state.DB.Exec("INSERT INTO names VALUES ($1)", name) // want `sql.DB.Exec through global state \(state.DB\)`
	return err
}

var G *gorm.DB

type User struct{ ID int64 }

func FindUsers() []User {
	var users []User
	G.Where("active").Order("id").Find(&users) // want `gorm.DB.Find through global G`
	return users
}

// Silent: the pool injected through a struct, the compliant shape.
type Service struct {
	pool *pgxpool.Pool
}

func NewService(pool *pgxpool.Pool) *Service { return &Service{pool: pool} }

func (s *Service) Rename(ctx context.Context, id int64, name string) error {
	_, err := s.pool.Exec(ctx, "UPDATE users SET name = $2 WHERE id = $1", id, name)
	return err
}

// Silent: sqlc-generated code, a Queries struct over a DBTX.
type DBTX interface {
	Exec(context.Context, string, ...interface{}) (pgconn.CommandTag, error)
	Query(context.Context, string, ...interface{}) (pgx.Rows, error)
	QueryRow(context.Context, string, ...interface{}) pgx.Row
}

type Queries struct{ db DBTX }

func New(db DBTX) *Queries { return &Queries{db: db} }

func (q *Queries) WithTx(tx pgx.Tx) *Queries { return &Queries{db: tx} }

func (q *Queries) DeleteUser(ctx context.Context, id int64) error {
	_, err := q.db.Exec(ctx, "DELETE FROM users WHERE id = $1", id)
	return err
}

// Silent: a global of a type that is not a handle, with a Query method.
type searchIndex struct{}

func (searchIndex) Query(ctx context.Context, q string) ([]string, error) { return nil, nil }

var index searchIndex

func Search(ctx context.Context, q string) ([]string, error) { return index.Query(ctx, q) }

// Silent: the global is only passed on.
var Default *pgxpool.Pool

func DefaultService() *Service { return NewService(Default) }

//dbaudit:ignore sessioninject -- legacy admin endpoint, removed in v3
func Legacy(ctx context.Context) { _, _ = Default.Exec(ctx, "SELECT 1") }
