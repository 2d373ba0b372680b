// Package storetest gives tests the store's backends: SQLite always, and
// PostgreSQL when XLSXEVAL_POSTGRES_DSN names a server. Without one the
// PostgreSQL cases skip, unless XLSXEVAL_REQUIRE_POSTGRES=1 (CI), where
// they fail.
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// DSNEnv names the PostgreSQL server for tests (a role that may create
// schemas in its database), e.g. postgres://xlsxeval:xlsxeval@127.0.0.1/xlsxeval_test.
const DSNEnv = "XLSXEVAL_POSTGRES_DSN"

// Backend is one database to run a test against: DSN "" is SQLite.
type Backend struct {
	Name string
	DSN  func(t *testing.T) string
}

// Backends are SQLite and PostgreSQL.
func Backends() []Backend {
	return []Backend{
		{"sqlite", func(*testing.T) string { return "" }},
		{"postgres", Postgres},
	}
}

// Postgres returns the DSN of a fresh, empty schema of the test server,
// dropped when the test ends.
func Postgres(t *testing.T) string {
	t.Helper()
	base := os.Getenv(DSNEnv)
	if base == "" {
		if os.Getenv("XLSXEVAL_REQUIRE_POSTGRES") == "1" {
			t.Fatalf("%s is not set and XLSXEVAL_REQUIRE_POSTGRES=1 (.ci/run starts a server)", DSNEnv)
		}
		t.Skipf("no PostgreSQL: set %s", DSNEnv)
	}
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	schema := fmt.Sprintf("t%d", time.Now().UnixNano())
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		db.Close()
		t.Fatalf("PostgreSQL at %s: %v", DSNEnv, err)
	}
	t.Cleanup(func() {
		db.Exec("DROP SCHEMA " + schema + " CASCADE")
		db.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
