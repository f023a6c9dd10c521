package sqlx

import "context"

// sqlx's own methods of prepared statements; Exec and Query come from the
// embedded *sql.Stmt.

func (s *Stmt) Get(dest any, args ...any) error                                 { return nil }
func (s *Stmt) Select(dest any, args ...any) error                              { return nil }
func (s *Stmt) GetContext(ctx context.Context, dest any, args ...any) error     { return nil }
func (s *Stmt) SelectContext(ctx context.Context, dest any, args ...any) error  { return nil }
func (s *Stmt) Queryx(args ...any) (*Rows, error)                               { return nil, nil }
func (s *Stmt) QueryRowx(args ...any) *Row                                      { return nil }
func (n *NamedStmt) Get(dest any, arg any) error                                { return nil }
func (n *NamedStmt) Select(dest any, arg any) error                             { return nil }
func (n *NamedStmt) SelectContext(ctx context.Context, dest any, arg any) error { return nil }
func (n *NamedStmt) GetContext(ctx context.Context, dest any, arg any) error    { return nil }
