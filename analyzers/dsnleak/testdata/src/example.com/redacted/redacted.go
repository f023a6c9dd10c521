// Package redacted logs DSNs through (*url.URL).Redacted, which masks only
// the password of the URL's userinfo.
package redacted

import (
	"fmt"
	"log"
	"net/url"
	"os"

	"github.com/dbaudit/dbaudit/dbmodel/redact"
)

func queryPassword(host string) {
	dsn := "postgres://app@" + host + "/app?sslmode=require&password=" + os.Getenv("PGPASSWORD")
	u, err := url.Parse(dsn)
	if err != nil {
		return
	}
	log.Printf("connecting to %s", u.Redacted()) // want `u.Redacted\(\) reaches log.Printf with its \?password= password: Redacted masks userinfo only`
	shown := u.Redacted()
	fmt.Println(shown) // want `u.Redacted\(\) reaches fmt.Println with its \?password= password`
	log.Printf("connecting to %s", redact.DSN(dsn))
	log.Printf("connecting to %s%s", u.Host, u.Path)
}

type Config struct {
	Host, User, Password string
}

func keywordValue(c Config) {
	dsn := fmt.Sprintf("host=%s user=%s password=%s dbname=app", c.Host, c.User, c.Password)
	u, _ := url.Parse(dsn)
	log.Println("database:", u.Redacted()) // want `u.Redacted\(\) reaches log.Println with its keyword/value password`
}

// The password in the userinfo only: Redacted masks it.
func userinfo(c Config) {
	u, err := url.Parse(fmt.Sprintf("postgres://%s:%s@%s/app?sslmode=require", c.User, c.Password, c.Host))
	if err != nil {
		return
	}
	log.Println("database:", u.Redacted())
	env, _ := url.Parse(os.Getenv("DATABASE_URL"))
	log.Println("database:", env.Redacted()) // its shape is not known
}

// maskDSN relies on Redacted alone.
func maskDSN(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(invalid)"
	}
	return u.Redacted()
}

// maskQueryPassword masks the query's password too.
func maskQueryPassword(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(invalid)"
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

func helpers(c Config) {
	query := "postgres://" + c.User + "@" + c.Host + "/app?password=" + c.Password
	log.Println(maskDSN(query))           // want `maskDSN\(\) reaches log.Println with its \?password= password`
	log.Println(maskQueryPassword(query)) // masks ?password= itself
	userinfo := "postgres://" + c.User + ":" + c.Password + "@" + c.Host + "/app"
	log.Println(maskDSN(userinfo))
}
