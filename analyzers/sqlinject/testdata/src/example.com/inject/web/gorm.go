package web

import (
	"fmt"
	"net/http"

	"gorm.io/gorm"
)

type GormServer struct {
	db *gorm.DB
}

type User struct {
	ID   uint
	Name string
}

func (s *GormServer) BadGormRaw(w http.ResponseWriter, r *http.Request) {
	var users []User
	s.db.Raw("SELECT * FROM users WHERE name = '" + r.FormValue("name") + "'").Scan(&users) // want `SQL for gorm.DB.Raw built by concatenation from request input r.FormValue\("name"\)`
}

func (s *GormServer) BadGormExec(w http.ResponseWriter, r *http.Request) {
	s.db.Exec(fmt.Sprintf("DELETE FROM users WHERE name = '%s'", r.FormValue("name"))) // want `SQL for gorm.DB.Exec built by fmt.Sprintf from request input r.FormValue\("name"\)`
}

func (s *GormServer) BadGormWhere(w http.ResponseWriter, r *http.Request) {
	var users []User
	s.db.Where("name = '" + r.FormValue("name") + "'").Find(&users) // want `SQL for gorm.DB.Where built by concatenation from request input r.FormValue\("name"\)`
}

func (s *GormServer) BadGormWhereWhole(w http.ResponseWriter, r *http.Request) {
	var users []User
	s.db.Where(r.FormValue("filter")).Find(&users) // want `request input r.FormValue\("filter"\) is the SQL text of gorm.DB.Where`
}

func (s *GormServer) BadGormOrder(w http.ResponseWriter, r *http.Request) {
	var users []User
	s.db.Order(r.FormValue("sort") + " DESC").Find(&users) // want `SQL for gorm.DB.Order built by concatenation from request input r.FormValue\("sort"\)`
}

func (s *GormServer) BadGormGroupHaving(w http.ResponseWriter, r *http.Request) {
	var users []User
	s.db.Model(&User{}).Group(r.FormValue("by")).Having(fmt.Sprintf("count(*) > %s", r.FormValue("min"))).Find(&users) // want `request input r.FormValue\("by"\) is the SQL text of gorm.DB.Group` `SQL for gorm.DB.Having built by fmt.Sprintf from request input r.FormValue\("min"\)`
}

func (s *GormServer) OkGormWherePlaceholder(w http.ResponseWriter, r *http.Request) {
	var users []User
	s.db.Where("name = ?", r.FormValue("name")).Find(&users)
}

func (s *GormServer) OkGormWhereStruct(w http.ResponseWriter, r *http.Request) {
	var users []User
	s.db.Where(&User{Name: r.FormValue("name")}).Find(&users)
}

func (s *GormServer) OkGormWhereMap(w http.ResponseWriter, r *http.Request) {
	var users []User
	s.db.Where(map[string]any{"name": r.FormValue("name")}).Find(&users)
}

func (s *GormServer) OkGormRawPlaceholder(w http.ResponseWriter, r *http.Request) {
	var users []User
	s.db.Raw("SELECT * FROM users WHERE name = ?", r.FormValue("name")).Scan(&users)
}

func (s *GormServer) OkGormOrderConstMap(w http.ResponseWriter, r *http.Request) {
	var users []User
	s.db.Order(sortColumns[r.FormValue("sort")]).Find(&users)
}
