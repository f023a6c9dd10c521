// Package app has gorm and sqlx models.
package app

import (
	"gorm.io/gorm"

	"github.com/jmoiron/sqlx"
)

// User is a gorm model: it embeds gorm.Model.
type User struct {
	gorm.Model
	Name      string
	Email     *string `gorm:"column:email_address"`
	CompanyID uint
	Company   Company // an association, not a column
	Orders    []Order // has-many, not a column
	Ignored   string  `gorm:"-"`
	Stats     Stats   `gorm:"embedded;embeddedPrefix:stats_"`
	Legacy    string  `gorm:"-:migration"`
}

// Stats is embedded with a prefix.
type Stats struct {
	Views int64
}

// Company is a gorm model because gorm calls use it.
type Company struct {
	ID   uint
	Name string
}

// Order is only an association.
type Order struct {
	ID     uint
	UserID uint
}

// Base is embedded into sqlx models.
type Base struct {
	CreatedAt string `db:"created_at"`
}

// Account is read by sqlx: untagged names are lower-cased, not snake-cased.
//
//dbaudit:table accounts
type Account struct {
	Base
	AccountID int64
	Name      string `db:"display_name"`
}

func use(g *gorm.DB, x *sqlx.DB) {
	g.Find(&[]Company{})
	g.Create(&User{})
	var accounts []Account
	_ = x.Select(&accounts, "SELECT * FROM accounts")
	g.Raw("SELECT * FROM users WHERE name = ?", "x")
	_, _ = x.NamedExec("UPDATE accounts SET display_name = :name", nil)
}
