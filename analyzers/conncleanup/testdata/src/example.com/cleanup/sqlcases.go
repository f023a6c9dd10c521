package cleanup

import (
	"context"
	"database/sql"
	"errors"

	"github.com/jmoiron/sqlx"
	"gorm.io/gorm"
)

// --- database/sql rows ---

func BadSQLRowsReturnInLoop(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, "SELECT name FROM users") // want `rows from sql.DB.QueryContext are not closed on a path that returns: they hold their connection from the pool`
	if err != nil {
		return nil, err
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

func OkSQLRowsDefer(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, "SELECT name FROM users")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

// database/sql closes rows when Next returns false at the end of the last
// result set (sql.go, Rows.Next).
func OkSQLRowsExhausted(db *sql.DB) ([]string, error) {
	rows, err := db.Query("SELECT name FROM users")
	if err != nil {
		return nil, err
	}
	var names []string
	for rows.Next() {
		var n string
		_ = rows.Scan(&n)
		names = append(names, n)
	}
	return names, rows.Err()
}

func BadSQLRowsNoErr(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, "SELECT name FROM users") // want `rows.Err\(\) is never checked after the Next loop`
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, nil
}

func BadSQLRowsDiscarded(db *sql.DB) error {
	_, err := db.Query("UPDATE users SET n = 0") // want `the rows returned by sql.DB.Query are discarded`
	return err
}

func BadSQLRowsStatementDropped(db *sql.DB) {
	db.Query("DELETE FROM sessions") // want `the rows returned by sql.DB.Query are discarded`
}

func OkSQLQueryRow(db *sql.DB) (n int, err error) {
	err = db.QueryRow("SELECT count(*) FROM users").Scan(&n)
	return n, err
}

// The database/sql template of sqlc: defer Close, then Close and Err checked.
func OkSQLSqlcTemplate(ctx context.Context, db *sql.DB) ([]User, error) {
	rows, err := db.QueryContext(ctx, "SELECT id, name FROM users")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var items []User
	for rows.Next() {
		var i User
		if err := rows.Scan(&i.ID, &i.Name); err != nil {
			return nil, err
		}
		items = append(items, i)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return items, nil
}

// --- database/sql transactions, statements, connections ---

func BadSQLTx(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil) // want `transaction from sql.DB.BeginTx is left open on a path that returns`
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE users SET n = 0"); err != nil {
		return err
	}
	return tx.Commit()
}

func BadSQLTxNoContext(db *sql.DB) error {
	tx, err := db.Begin() // want `transaction from sql.DB.Begin is left open on a path that returns`
	if err != nil {
		return err
	}
	if _, err := tx.Exec("UPDATE users SET n = 0"); err != nil {
		return err
	}
	return tx.Commit()
}

func OkSQLTx(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "UPDATE users SET n = 0"); err != nil {
		return err
	}
	return tx.Commit()
}

func BadSQLStmt(db *sql.DB) error {
	stmt, err := db.Prepare("INSERT INTO users (name) VALUES ($1)") // want `prepared statement from sql.DB.Prepare is not closed on a path that returns`
	if err != nil {
		return err
	}
	_, err = stmt.Exec("x")
	return err
}

func OkSQLStmtDefer(db *sql.DB) error {
	stmt, err := db.Prepare("INSERT INTO users (name) VALUES ($1)")
	if err != nil {
		return err
	}
	defer stmt.Close()
	_, err = stmt.Exec("x")
	return err
}

type Repo struct {
	insert *sql.Stmt
}

func (r *Repo) OkSQLStmtKept(db *sql.DB) error {
	stmt, err := db.Prepare("INSERT INTO users (name) VALUES ($1)")
	if err != nil {
		return err
	}
	r.insert = stmt // closed with the repository
	return nil
}

func BadSQLConn(ctx context.Context, db *sql.DB) error {
	conn, err := db.Conn(ctx) // want `connection from sql.DB.Conn is not closed on a path that returns: database/sql never gets it back`
	if err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, "SET application_name = 'x'")
	return err
}

func OkSQLConn(ctx context.Context, db *sql.DB) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	_, err = conn.ExecContext(ctx, "SET application_name = 'x'")
	return err
}

// --- sqlx ---

func BadSqlxRows(db *sqlx.DB) ([]User, error) {
	rows, err := db.Queryx("SELECT id, name FROM users") // want `rows from sqlx.DB.Queryx are not closed on a path that returns`
	if err != nil {
		return nil, err
	}
	var users []User
	for rows.Next() {
		var u User
		if err := rows.StructScan(&u); err != nil {
			return nil, err
		}
		users = append(users, u)
	}
	return users, rows.Err()
}

func OkSqlxSelect(db *sqlx.DB) ([]User, error) {
	var users []User
	err := db.Select(&users, "SELECT id, name FROM users")
	return users, err
}

func OkSqlxStructScanDeferred(db *sqlx.DB) ([]User, error) {
	rows, err := db.Queryx("SELECT id, name FROM users")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var users []User
	err = sqlx.StructScan(rows, &users)
	return users, err
}

func BadSqlxStructScanOpen(db *sqlx.DB) ([]User, error) {
	rows, err := db.Queryx("SELECT id, name FROM users") // want `rows from sqlx.DB.Queryx are not closed on a path that returns`
	if err != nil {
		return nil, err
	}
	var users []User
	err = sqlx.StructScan(rows, &users) // iterates, but returns early on a scan error
	return users, err
}

func BadSqlxMustBegin(db *sqlx.DB, names []string) error {
	tx := db.MustBegin() // want `transaction from sqlx.DB.MustBegin is left open on a path that returns`
	for _, n := range names {
		if n == "" {
			return errors.New("empty name")
		}
		tx.MustExec("INSERT INTO users (name) VALUES ($1)", n)
	}
	return tx.Commit()
}

func OkSqlxTx(db *sqlx.DB) error {
	tx, err := db.Beginx()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	tx.MustExec("UPDATE users SET n = 0")
	return tx.Commit()
}

// --- gorm ---

func BadGormTx(db *gorm.DB, u *User) error {
	tx := db.Begin() // want `transaction from gorm.DB.Begin is left open on a path that returns`
	if err := tx.Create(u).Error; err != nil {
		return err
	}
	return tx.Commit().Error
}

func OkGormTx(db *gorm.DB, u *User) error {
	tx := db.Begin()
	if tx.Error != nil {
		return tx.Error
	}
	if err := tx.Create(u).Error; err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit().Error
}

func OkGormTransaction(db *gorm.DB, u *User) error {
	return db.Transaction(func(tx *gorm.DB) error {
		return tx.Create(u).Error
	})
}

func closeStmt(stmt *sql.Stmt) {
	if stmt != nil {
		_ = stmt.Close()
	}
}

func forgetStmt(stmt *sql.Stmt) {
	if stmt != nil {
		// stmt.Close() was lost in a refactoring
	}
}

func OkSQLStmtDeferredHelper(db *sql.DB) error {
	stmt, err := db.Prepare("INSERT INTO users (name) VALUES ($1)")
	if err != nil {
		return err
	}
	defer closeStmt(stmt)
	_, err = stmt.Exec("x")
	return err
}

func BadSQLStmtDeferredHelperForgets(db *sql.DB) error {
	stmt, err := db.Prepare("INSERT INTO users (name) VALUES ($1)") // want `prepared statement from sql.DB.Prepare is not closed on a path that returns`
	if err != nil {
		return err
	}
	defer forgetStmt(stmt)
	_, err = stmt.Exec("x")
	return err
}

func checkErr(err error) error { return err }

func OkSQLErrWrapped(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, "SELECT 1")
	if checkErr(err) != nil {
		return err
	}
	defer rows.Close()
	return nil
}

// gorm's own callbacks hand the transaction's connection pool on.
func OkGormTxPoolHandedOn(db *gorm.DB, into *gorm.DB) {
	if tx := db.Begin(); tx.Error == nil {
		into.Statement.ConnPool = tx.Statement.ConnPool
	}
}

func OkGormRowsAddError(ctx context.Context, db *gorm.DB) {
	if rows, err := db.Statement.ConnPool.QueryContext(ctx, "SELECT 1"); db.AddError(err) == nil {
		defer rows.Close()
	}
}
