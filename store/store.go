// Package store keeps the portal's record of collection rounds: rounds,
// units and their link tokens, projects, every uploaded version, the
// accepted (定稿) version and an audit log. The database is SQLite in the
// data folder (pure Go, WAL mode) or PostgreSQL; the workbooks themselves
// live on disk, named by their sha256, and are synced before a row refers
// to them, so an acknowledged upload survives a crash.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	_ "modernc.org/sqlite"             // SQLite driver "sqlite", pure Go
)

// ErrNotFound is returned when a row does not exist, or does not belong
// to whoever asks for it: callers answer 404 either way.
var ErrNotFound = errors.New("not found")

// Store is an open record of rounds.
type Store struct {
	db    *sql.DB
	pg    bool
	blobs string // folder of the content-addressed workbooks
}

// Open opens (creating and migrating as needed) the store in dir. With
// an empty dsn the database is dir/xlsxeval.db (SQLite); a dsn
// postgres://… uses that PostgreSQL database. Workbooks go to dir/blobs
// either way.
func Open(ctx context.Context, dir, dsn string) (*Store, error) {
	if err := os.MkdirAll(filepath.Join(dir, "blobs"), 0o755); err != nil {
		return nil, err
	}
	s := &Store{blobs: filepath.Join(dir, "blobs")}
	var err error
	switch {
	case dsn == "":
		s.db, err = sql.Open("sqlite", sqliteDSN(filepath.Join(dir, "xlsxeval.db")))
	case strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://"):
		s.pg = true
		s.db, err = sql.Open("pgx", dsn)
	default:
		return nil, fmt.Errorf("--db 须为 postgres://… (不填则用数据文件夹中的 SQLite)")
	}
	if err != nil {
		return nil, err
	}
	if err := s.db.PingContext(ctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("无法连接数据库: %w", err)
	}
	if err := s.migrate(ctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("数据库升级失败: %w", err)
	}
	return s, nil
}

// sqliteDSN: WAL so readers never wait for the writer; synchronous FULL
// so a committed upload is on disk when the client is told; immediate
// transactions so two writers queue instead of failing on upgrade.
func sqliteDSN(path string) string {
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(FULL)", "busy_timeout(15000)", "foreign_keys(1)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Backend names the database in use, for the start-up message.
func (s *Store) Backend() string {
	if s.pg {
		return "PostgreSQL"
	}
	return "SQLite"
}

// q rewrites a query written with ? placeholders for the backend.
func (s *Store) q(query string) string {
	if !s.pg {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// schema gives the column types of the backend.
func (s *Store) schema(stmt string) string {
	id, blob := "INTEGER PRIMARY KEY AUTOINCREMENT", "BLOB"
	if s.pg {
		id, blob = "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "BYTEA"
	}
	return strings.NewReplacer("{{id}}", id, "{{blob}}", blob).Replace(stmt)
}

// migrations are applied in order, each once, each in a transaction; a
// new version of the tool appends to the list and never edits an entry.
var migrations = [][]string{
	{
		`CREATE TABLE settings (k TEXT PRIMARY KEY, v TEXT NOT NULL)`,
		`CREATE TABLE admins (id {{id}}, token_hash TEXT NOT NULL UNIQUE, created BIGINT NOT NULL)`,
		`CREATE TABLE rounds (id {{id}}, name TEXT NOT NULL, spec_name TEXT NOT NULL, spec {{blob}} NOT NULL, created BIGINT NOT NULL)`,
		`CREATE TABLE units (id {{id}}, round_id BIGINT NOT NULL REFERENCES rounds(id), name TEXT NOT NULL,
			contact TEXT NOT NULL DEFAULT '', token_hash TEXT UNIQUE, UNIQUE (round_id, name))`,
		`CREATE TABLE projects (id {{id}}, round_id BIGINT NOT NULL REFERENCES rounds(id),
			unit_id BIGINT NOT NULL REFERENCES units(id), idx INTEGER NOT NULL, name TEXT NOT NULL,
			code TEXT NOT NULL DEFAULT '', accepted BIGINT)`,
		`CREATE TABLE versions (id {{id}}, project_id BIGINT NOT NULL REFERENCES projects(id),
			sha256 TEXT NOT NULL, size BIGINT NOT NULL, filename TEXT NOT NULL, uploaded BIGINT NOT NULL,
			uploader TEXT NOT NULL, state TEXT NOT NULL, report {{blob}} NOT NULL)`,
		`CREATE INDEX versions_project ON versions (project_id, id)`,
		`CREATE TABLE audit (id {{id}}, at BIGINT NOT NULL, round_id BIGINT, actor TEXT NOT NULL,
			action TEXT NOT NULL, detail TEXT NOT NULL)`,
	},
}

func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return err
	}
	for {
		done, err := s.migrateOne(ctx)
		if err != nil || done {
			return err
		}
	}
}

// migrateOne applies the next migration; done when none is left. The
// version row is locked (PostgreSQL) or the transaction immediate
// (SQLite), so two servers starting at once do not both apply it.
func (s *Store) migrateOne(ctx context.Context) (done bool, err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	if s.pg {
		if _, err := tx.ExecContext(ctx, `LOCK TABLE schema_version IN EXCLUSIVE MODE`); err != nil {
			return false, err
		}
	}
	var v int
	err = tx.QueryRowContext(ctx, `SELECT version FROM schema_version`).Scan(&v)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (0)`); err != nil {
			return false, err
		}
	case err != nil:
		return false, err
	}
	if v > len(migrations) {
		return false, fmt.Errorf("数据库版本 %d 比本程序新 (%d); 请使用新版 xlsxeval", v, len(migrations))
	}
	if v == len(migrations) {
		return true, nil
	}
	for _, stmt := range migrations[v] {
		if _, err := tx.ExecContext(ctx, s.schema(stmt)); err != nil {
			return false, fmt.Errorf("migration %d: %w", v+1, err)
		}
	}
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE schema_version SET version = ?`), v+1); err != nil {
		return false, err
	}
	return false, tx.Commit()
}
