package leak

import (
	"log"
	"os"
	"testing"
)

func TestLogsDSN(t *testing.T) {
	log.Println(os.Getenv("DATABASE_URL"))
}
