package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Round is one collection round, made from a spec.
type Round struct {
	ID       int64
	Name     string
	SpecName string // the spec's file name (its extension says how to read it)
	Spec     []byte // the spec as uploaded
	Created  time.Time
}

// Unit is one unit of a round, with its contact from the roster.
type Unit struct {
	ID, Round     int64
	Name, Contact string
}

// Project is one project of a round's spec (Idx is its position there),
// returned by one unit. Accepted is the version marked 定稿, 0 for none.
type Project struct {
	ID, Round, Unit int64
	Idx             int
	Name, Code      string
	Accepted        int64
}

// Version is one uploaded workbook of a project: its sha256 names the
// stored file; Report is its check result (report.File as JSON) and State
// what that result makes of it (round.FormState).
type Version struct {
	ID, Project int64
	SHA256      string
	Size        int64
	FileName    string
	Uploaded    time.Time
	Uploader    string
	State       string
	Report      []byte
}

// NewRound is what a round is created from.
type NewRound struct {
	Name, SpecName string
	Spec           []byte
	Units          []Unit    // Name, Contact
	Projects       []Project // Name, Code, and Unit as an index into Units
}

// CreateRound stores a new round with its units and projects.
func (s *Store) CreateRound(ctx context.Context, nr NewRound, actor string) (int64, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var id int64
	err = tx.QueryRowContext(ctx, s.q(`INSERT INTO rounds (name, spec_name, spec, created) VALUES (?, ?, ?, ?) RETURNING id`),
		nr.Name, nr.SpecName, nr.Spec, now()).Scan(&id)
	if err != nil {
		return 0, err
	}
	unitIDs := make([]int64, len(nr.Units))
	for i, u := range nr.Units {
		err := tx.QueryRowContext(ctx, s.q(`INSERT INTO units (round_id, name, contact) VALUES (?, ?, ?) RETURNING id`),
			id, u.Name, u.Contact).Scan(&unitIDs[i])
		if err != nil {
			return 0, fmt.Errorf("单位 %s: %w", u.Name, err)
		}
	}
	for i, p := range nr.Projects {
		if p.Unit < 0 || int(p.Unit) >= len(unitIDs) {
			return 0, fmt.Errorf("项目 %s 没有单位", p.Name)
		}
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO projects (round_id, unit_id, idx, name, code) VALUES (?, ?, ?, ?, ?)`),
			id, unitIDs[p.Unit], i, p.Name, p.Code)
		if err != nil {
			return 0, err
		}
	}
	detail := fmt.Sprintf("创建轮次「%s」: 清单 %s, %d 个单位, %d 个项目", nr.Name, nr.SpecName, len(nr.Units), len(nr.Projects))
	if err := s.audit(ctx, tx, id, actor, "round.create", detail); err != nil {
		return 0, err
	}
	return id, tx.Commit()
}

// Rounds lists every round, newest first.
func (s *Store) Rounds(ctx context.Context) ([]Round, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, spec_name, spec, created FROM rounds ORDER BY id DESC`)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r *Round, sc scanner) error {
		var c int64
		err := sc.Scan(&r.ID, &r.Name, &r.SpecName, &r.Spec, &c)
		r.Created = time.Unix(0, c)
		return err
	})
}

// Round is one round; ErrNotFound when there is none.
func (s *Store) Round(ctx context.Context, id int64) (*Round, error) {
	r := &Round{}
	var c int64
	err := s.db.QueryRowContext(ctx, s.q(`SELECT id, name, spec_name, spec, created FROM rounds WHERE id = ?`), id).
		Scan(&r.ID, &r.Name, &r.SpecName, &r.Spec, &c)
	r.Created = time.Unix(0, c)
	return r, notFound(err)
}

const unitCols = `id, round_id, name, contact, COALESCE(token_hash, '')`

func (s *Store) scanUnit(sc scanner) (*Unit, string, error) {
	u := &Unit{}
	var h string
	err := sc.Scan(&u.ID, &u.Round, &u.Name, &u.Contact, &h)
	return u, h, notFound(err)
}

// Units lists a round's units in roster order.
func (s *Store) Units(ctx context.Context, round int64) ([]Unit, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+unitCols+` FROM units WHERE round_id = ? ORDER BY id`), round)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(u *Unit, sc scanner) error {
		x, _, err := s.scanUnit(sc)
		*u = *x
		return err
	})
}

const projectCols = `id, round_id, unit_id, idx, name, code, COALESCE(accepted, 0)`

func scanProject(p *Project, sc scanner) error {
	return sc.Scan(&p.ID, &p.Round, &p.Unit, &p.Idx, &p.Name, &p.Code, &p.Accepted)
}

// Projects lists a round's projects in spec order.
func (s *Store) Projects(ctx context.Context, round int64) ([]Project, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+projectCols+` FROM projects WHERE round_id = ? ORDER BY idx`), round)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanProject)
}

// UnitProjects lists the projects a unit returns.
func (s *Store) UnitProjects(ctx context.Context, unit int64) ([]Project, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+projectCols+` FROM projects WHERE unit_id = ? ORDER BY idx`), unit)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanProject)
}

// Project is one project; ErrNotFound when there is none.
func (s *Store) Project(ctx context.Context, id int64) (*Project, error) {
	p := &Project{}
	err := scanProject(p, s.db.QueryRowContext(ctx, s.q(`SELECT `+projectCols+` FROM projects WHERE id = ?`), id))
	return p, notFound(err)
}

const versionCols = `id, project_id, sha256, size, filename, uploaded, uploader, state, report`

func scanVersion(v *Version, sc scanner) error {
	var t int64
	err := sc.Scan(&v.ID, &v.Project, &v.SHA256, &v.Size, &v.FileName, &t, &v.Uploader, &v.State, &v.Report)
	v.Uploaded = time.Unix(0, t)
	return err
}

// AddVersion records an upload whose workbook PutBlob has stored, and
// logs it. When AddVersion returns, the version is committed.
func (s *Store) AddVersion(ctx context.Context, v Version, round int64) (int64, error) {
	if _, err := s.blobPath(v.SHA256); err != nil {
		return 0, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var id int64
	err = tx.QueryRowContext(ctx, s.q(`INSERT INTO versions (project_id, sha256, size, filename, uploaded, uploader, state, report)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		v.Project, v.SHA256, v.Size, v.FileName, now(), v.Uploader, v.State, v.Report).Scan(&id)
	if err != nil {
		return 0, err
	}
	var name string
	if err := tx.QueryRowContext(ctx, s.q(`SELECT name FROM projects WHERE id = ?`), v.Project).Scan(&name); err != nil {
		return 0, err
	}
	detail := fmt.Sprintf("项目「%s」上传 %s (版本编号 %d, sha256 %s, %d 字节): %s", name, v.FileName, id, v.SHA256, v.Size, v.State)
	if err := s.audit(ctx, tx, round, v.Uploader, "version.upload", detail); err != nil {
		return 0, err
	}
	return id, tx.Commit()
}

// Versions lists a project's versions, newest first.
func (s *Store) Versions(ctx context.Context, project int64) ([]Version, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+versionCols+` FROM versions WHERE project_id = ? ORDER BY id DESC`), project)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanVersion)
}

// RoundVersions lists every version of a round's projects, newest first.
func (s *Store) RoundVersions(ctx context.Context, round int64) ([]Version, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+prefixed("v.", versionCols)+` FROM versions v
		JOIN projects p ON p.id = v.project_id WHERE p.round_id = ? ORDER BY v.id DESC`), round)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanVersion)
}

// Version is one version; ErrNotFound when there is none.
func (s *Store) Version(ctx context.Context, id int64) (*Version, error) {
	v := &Version{}
	err := scanVersion(v, s.db.QueryRowContext(ctx, s.q(`SELECT `+versionCols+` FROM versions WHERE id = ?`), id))
	return v, notFound(err)
}

// Accept marks version as the project's accepted form (定稿); version 0
// withdraws the mark. The version must be the project's.
func (s *Store) Accept(ctx context.Context, project, version int64, actor string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var round int64
	var name string
	if err := tx.QueryRowContext(ctx, s.q(`SELECT round_id, name FROM projects WHERE id = ?`), project).Scan(&round, &name); err != nil {
		return notFound(err)
	}
	var v any
	detail := fmt.Sprintf("项目「%s」撤销定稿", name)
	if version != 0 {
		var n int
		err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM versions WHERE id = ? AND project_id = ?`), version, project).Scan(&n)
		if err != nil {
			return err
		}
		if n == 0 {
			return ErrNotFound
		}
		v, detail = version, fmt.Sprintf("项目「%s」定稿: 版本编号 %d", name, version)
	}
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE projects SET accepted = ? WHERE id = ?`), v, project); err != nil {
		return err
	}
	if err := s.audit(ctx, tx, round, actor, "version.accept", detail); err != nil {
		return err
	}
	return tx.Commit()
}

// Entry is one line of the audit log.
type Entry struct {
	At                    time.Time
	Actor, Action, Detail string
}

func (s *Store) audit(ctx context.Context, tx *sql.Tx, round int64, actor, action, detail string) error {
	var r any
	if round != 0 {
		r = round
	}
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO audit (at, round_id, actor, action, detail) VALUES (?, ?, ?, ?, ?)`),
		now(), r, actor, action, detail)
	return err
}

// Audit lists a round's log, newest first.
func (s *Store) Audit(ctx context.Context, round int64) ([]Entry, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT at, actor, action, detail FROM audit WHERE round_id = ? ORDER BY id DESC`), round)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(e *Entry, sc scanner) error {
		var t int64
		err := sc.Scan(&t, &e.Actor, &e.Action, &e.Detail)
		e.At = time.Unix(0, t)
		return err
	})
}

type scanner interface{ Scan(...any) error }

func collect[T any](rows *sql.Rows, scan func(*T, scanner) error) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		var x T
		if err := scan(&x, rows); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

func prefixed(p, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}
