// Package mysql is a stub of the MySQL database/sql driver.
package mysql
