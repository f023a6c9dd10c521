// Package inferred has sqlx and gorm models and no //dbaudit:table.
package inferred

import (
	"github.com/jmoiron/sqlx"
	"gorm.io/gorm"
)

// Member is read by sqlx's Get from members.
type Member struct {
	ID     int64  `db:"id"`
	Name   string `db:"name"`
	Joined bool   `db:"joined"` // want type-mismatch:error
}

func GetMember(db *sqlx.DB, id int64) (Member, error) {
	var m Member
	err := db.Get(&m, "SELECT id, name, joined FROM members WHERE id = $1", id)
	return m, err
}

// Firm is a gorm model mapped by its TableName method.
type Firm struct {
	ID   int64
	Name string // want nullability:error
}

func (Firm) TableName() string { return "firms" }

// Parcel is a gorm model named by gorm's convention: parcels.
type Parcel struct {
	ID     int64
	Weight int32
	Size   int32 // want missing-column:error
}

func Load(db *gorm.DB) ([]Firm, []Parcel) {
	var firms []Firm
	var parcels []Parcel
	db.Find(&firms)
	db.Find(&parcels)
	return firms, parcels
}
