package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"time"
)

// NewToken is a random 128-bit link token, URL-safe.
func NewToken() string {
	b := make([]byte, 16)
	rand.Read(b) // never fails (crypto/rand panics rather)
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashToken is what the database keeps of a token: a leaked database
// does not give anyone a working link.
func hashToken(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}

// validToken: a token as NewToken makes them (22 characters of base64url).
func validToken(tok string) bool {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	return err == nil && len(b) == 16
}

// sameHash compares two hashes in constant time.
func sameHash(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// NewAdminToken issues the department's link, ending every earlier one.
func (s *Store) NewAdminToken(ctx context.Context) (string, error) {
	tok := NewToken()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM admins`); err != nil {
		return "", err
	}
	if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO admins (token_hash, created) VALUES (?, ?)`), hashToken(tok), now()); err != nil {
		return "", err
	}
	if err := s.audit(ctx, tx, 0, "system", "admin.link", "新的部门链接"); err != nil {
		return "", err
	}
	return tok, tx.Commit()
}

// HasAdmin reports whether a department link was ever issued.
func (s *Store) HasAdmin(ctx context.Context) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM admins`).Scan(&n)
	return n > 0, err
}

// IsAdmin reports whether tok is the department's link.
func (s *Store) IsAdmin(ctx context.Context, tok string) (bool, error) {
	if !validToken(tok) {
		return false, nil
	}
	h := hashToken(tok)
	var got string
	err := s.db.QueryRowContext(ctx, s.q(`SELECT token_hash FROM admins WHERE token_hash = ?`), h).Scan(&got)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil && sameHash(got, h), err
}

// UnitByToken is the unit whose link tok is; ErrNotFound for none.
func (s *Store) UnitByToken(ctx context.Context, tok string) (*Unit, error) {
	if !validToken(tok) {
		return nil, ErrNotFound
	}
	h := hashToken(tok)
	u, got, err := s.scanUnit(s.db.QueryRowContext(ctx, s.q(`SELECT `+unitCols+` FROM units WHERE token_hash = ?`), h))
	if err != nil {
		return nil, err
	}
	if !sameHash(got, h) {
		return nil, ErrNotFound
	}
	return u, nil
}

// NewUnitTokens issues a new link for every unit of round, ending the
// earlier ones, and returns them by unit id.
func (s *Store) NewUnitTokens(ctx context.Context, round int64, actor string) (map[int64]string, error) {
	units, err := s.Units(ctx, round)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	out := map[int64]string{}
	for _, u := range units {
		tok := NewToken()
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE units SET token_hash = ? WHERE id = ?`), hashToken(tok), u.ID); err != nil {
			return nil, err
		}
		out[u.ID] = tok
	}
	if err := s.audit(ctx, tx, round, actor, "unit.links", "重新生成全部单位链接"); err != nil {
		return nil, err
	}
	return out, tx.Commit()
}

// Secret is a random key kept in the database, made on first use (the
// portal derives its CSRF tokens from it).
func (s *Store) Secret(ctx context.Context) ([]byte, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT v FROM settings WHERE k = 'secret'`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		b := make([]byte, 32)
		rand.Read(b)
		// Two servers racing: the loser's insert fails and it reads the winner's.
		s.db.ExecContext(ctx, s.q(`INSERT INTO settings (k, v) VALUES ('secret', ?)`), hex.EncodeToString(b))
		err = s.db.QueryRowContext(ctx, `SELECT v FROM settings WHERE k = 'secret'`).Scan(&v)
	}
	if err != nil {
		return nil, err
	}
	return hex.DecodeString(v)
}

func now() int64 { return time.Now().UnixNano() }
