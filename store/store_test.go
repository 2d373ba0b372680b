package store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/xlsxeval/xlsxeval/store"
	"github.com/xlsxeval/xlsxeval/store/storetest"
)

// each runs fn against every backend.
func each(t *testing.T, fn func(t *testing.T, dir, dsn string)) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) { fn(t, t.TempDir(), b.DSN(t)) })
	}
}

func open(t *testing.T, dir, dsn string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), dir, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func newRound(t *testing.T, s *store.Store) int64 {
	t.Helper()
	id, err := s.CreateRound(context.Background(), store.NewRound{
		Name: "2024 自评", SpecName: "batch.csv", Spec: []byte("项目名称\n"),
		Units:    []store.Unit{{Name: "甲单位", Contact: "张三"}, {Name: "乙单位"}},
		Projects: []store.Project{{Name: "信息化运维项目", Unit: 0}, {Name: "文旅管理与服务", Code: "P2", Unit: 1}},
	}, "admin")
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestRoundLifecycle(t *testing.T) {
	each(t, func(t *testing.T, dir, dsn string) {
		ctx := context.Background()
		s := open(t, dir, dsn)
		round := newRound(t, s)
		units, _ := s.Units(ctx, round)
		if len(units) != 2 || units[0].Contact != "张三" {
			t.Fatalf("units %+v", units)
		}
		toks, err := s.NewUnitTokens(ctx, round, "admin")
		if err != nil {
			t.Fatal(err)
		}
		u, err := s.UnitByToken(ctx, toks[units[1].ID])
		if err != nil || u.Name != "乙单位" {
			t.Fatalf("unit by token: %+v %v", u, err)
		}
		if _, err := s.UnitByToken(ctx, store.NewToken()); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown token: %v", err)
		}
		if _, err := s.UnitByToken(ctx, "../etc"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("malformed token: %v", err)
		}
		// A new list ends the old links.
		again, _ := s.NewUnitTokens(ctx, round, "admin")
		if _, err := s.UnitByToken(ctx, toks[units[1].ID]); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("old link still works: %v", err)
		}
		if _, err := s.UnitByToken(ctx, again[units[1].ID]); err != nil {
			t.Fatal(err)
		}
		prs, _ := s.UnitProjects(ctx, units[1].ID)
		if len(prs) != 1 || prs[0].Name != "文旅管理与服务" || prs[0].Code != "P2" {
			t.Fatalf("projects of 乙: %+v", prs)
		}
		p := prs[0]
		var ids []int64
		for i, content := range []string{"first", "second"} {
			sum, err := s.PutBlob([]byte(content))
			if err != nil {
				t.Fatal(err)
			}
			id, err := s.AddVersion(ctx, store.Version{Project: p.ID, SHA256: sum, Size: int64(len(content)),
				FileName: fmt.Sprintf("v%d.xlsx", i), Uploader: "乙单位", State: "需退回", Report: []byte(`{}`)}, round)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		vs, _ := s.Versions(ctx, p.ID)
		if len(vs) != 2 || vs[0].ID != ids[1] || vs[0].FileName != "v1.xlsx" {
			t.Fatalf("versions newest first: %+v", vs)
		}
		b, err := s.Blob(vs[1].SHA256)
		if err != nil || string(b) != "first" {
			t.Fatalf("blob %q %v", b, err)
		}
		h := sha256.Sum256([]byte("second"))
		if vs[0].SHA256 != hex.EncodeToString(h[:]) {
			t.Fatalf("sha256 %s", vs[0].SHA256)
		}
		// 定稿 only of the project's own version.
		other, _ := s.UnitProjects(ctx, units[0].ID)
		if err := s.Accept(ctx, other[0].ID, ids[0], "admin"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("accepting another project's version: %v", err)
		}
		if err := s.Accept(ctx, p.ID, ids[0], "admin"); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Project(ctx, p.ID)
		if got.Accepted != ids[0] {
			t.Fatalf("accepted %d", got.Accepted)
		}
		log, _ := s.Audit(ctx, round)
		var actions []string
		for _, e := range log {
			actions = append(actions, e.Action)
		}
		want := "[version.accept version.upload version.upload unit.links unit.links round.create]"
		if fmt.Sprint(actions) != want {
			t.Fatalf("audit %v, want %s", actions, want)
		}
	})
}

func TestAdminToken(t *testing.T) {
	each(t, func(t *testing.T, dir, dsn string) {
		ctx := context.Background()
		s := open(t, dir, dsn)
		if ok, _ := s.HasAdmin(ctx); ok {
			t.Fatal("admin before any was issued")
		}
		a, _ := s.NewAdminToken(ctx)
		b, _ := s.NewAdminToken(ctx)
		if ok, _ := s.IsAdmin(ctx, a); ok {
			t.Fatal("the replaced admin link still works")
		}
		if ok, err := s.IsAdmin(ctx, b); !ok || err != nil {
			t.Fatal("admin link refused", err)
		}
		sec, err := s.Secret(ctx)
		sec2, _ := s.Secret(ctx)
		if err != nil || len(sec) != 32 || !bytes.Equal(sec, sec2) {
			t.Fatalf("secret %x %v", sec, err)
		}
	})
}

// Reopening migrates nothing twice and keeps the data.
func TestReopen(t *testing.T) {
	each(t, func(t *testing.T, dir, dsn string) {
		s := open(t, dir, dsn)
		round := newRound(t, s)
		s.Close()
		s2 := open(t, dir, dsn)
		r, err := s2.Round(context.Background(), round)
		if err != nil || r.Name != "2024 自评" {
			t.Fatalf("round after reopen: %+v %v", r, err)
		}
	})
}

// Concurrent uploads all land (SQLite serialises writers; none fails).
func TestConcurrentVersions(t *testing.T) {
	each(t, func(t *testing.T, dir, dsn string) {
		ctx := context.Background()
		s := open(t, dir, dsn)
		round := newRound(t, s)
		prs, _ := s.Projects(ctx, round)
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for i := range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				b := []byte(fmt.Sprintf("workbook %d", i))
				sum, err := s.PutBlob(b)
				if err == nil {
					_, err = s.AddVersion(ctx, store.Version{Project: prs[i%2].ID, SHA256: sum, Size: int64(len(b)),
						FileName: "x.xlsx", Uploader: "u", State: "合格", Report: []byte("{}")}, round)
				}
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		all, _ := s.RoundVersions(ctx, round)
		if len(all) != 40 {
			t.Fatalf("%d versions", len(all))
		}
		if _, err := os.Stat(filepath.Join(dir, "blobs", all[0].SHA256[:2], all[0].SHA256)); err != nil {
			t.Fatal(err)
		}
	})
}
