package server

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/xlsxeval/xlsxeval/report"
	"github.com/xlsxeval/xlsxeval/validate"
)

// handleCheck answers POST /api/check with the JSON of
// `xlsxeval check --format json`, written by the same report.JSON.
func (s *Server) handleCheck(w http.ResponseWriter, r *http.Request) {
	up, err := s.readUpload(w, r, "file")
	if err != nil {
		fail(w, err)
		return
	}
	lang := s.langOf(r, up.fields)
	results := s.checkBooks(r.Context(), up.books, s.checkerFor(up))
	var buf bytes.Buffer
	if err := WriteJSON(&buf, results, lang); err != nil {
		fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(buf.Bytes())
}

// WriteJSON writes results as `xlsxeval check --format json` does.
func WriteJSON(buf *bytes.Buffer, results []validate.FileResult, lang report.Lang) error {
	out := &report.JSON{W: buf}
	var sum report.Summary
	for _, res := range results {
		f := report.FromResult(res, lang)
		sum.Add(f)
		if err := out.File(f); err != nil {
			return err
		}
	}
	return out.Close(sum)
}

// checkerFor is the server's checker with the upload's password.
func (s *Server) checkerFor(up *upload) *validate.Checker {
	return s.cfg.Checker.WithPassword(up.fields["password"])
}

// checkBooks checks the workbooks of one request in parallel, within the
// server-wide worker slots, and returns the results in upload order.
func (s *Server) checkBooks(ctx context.Context, books []workbook, k *validate.Checker) []validate.FileResult {
	out := make([]validate.FileResult, len(books))
	var wg sync.WaitGroup
	for i, b := range books {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = s.checkBook(ctx, b, k)
		}()
	}
	wg.Wait()
	return out
}

// checkBook checks one workbook under the per-file timeout.
func (s *Server) checkBook(ctx context.Context, b workbook, k *validate.Checker) validate.FileResult {
	var res validate.FileResult
	err := s.work(ctx, b, func(data []byte) {
		res = s.check(k, bytes.NewReader(data), int64(len(data)), b.name)
	})
	if err != nil {
		return validate.FileResult{Path: b.name, Err: err}
	}
	return res
}

// work runs fn on the bytes of b in a worker slot chosen by what b unpacks
// to: light workbooks (forms are) share Workers slots, heavy ones take
// the one heavy slot, so a stream of zip-bomb-like uploads runs one at a
// time beside everyone else's forms instead of filling memory. A zip
// entry is unpacked only here, in its slot. fn runs under FileTimeout; one
// that overruns is abandoned by the request but keeps its slot until it
// really ends, so hostile files cannot pile up unbounded work. A panic in
// fn becomes this file's error.
func (s *Server) work(ctx context.Context, b workbook, fn func(data []byte)) error {
	if b.err != nil {
		return b.err
	}
	release, err := s.slot(ctx, s.light)
	if err != nil {
		return fmt.Errorf("%s: 请求已取消", b.name)
	}
	data, err := b.load(s.cfg.MaxUpload)
	if err == nil {
		err = s.tooHeavy(b.name, data)
	}
	if err != nil {
		release()
		return err
	}
	if unpacked(data) > s.cfg.LightMax {
		release()
		if release, err = s.slot(ctx, s.heavy); err != nil {
			return fmt.Errorf("%s: 请求已取消", b.name)
		}
	}
	return s.runHeld(ctx, release, s.cfg.FileTimeout, func() error { fn(data); return nil },
		b.name+": ", "文件可能已损坏")
}

// run runs fn in a slot of lane within timeout.
func (s *Server) run(ctx context.Context, lane chan struct{}, timeout time.Duration, fn func() error) error {
	release, err := s.slot(ctx, lane)
	if err != nil {
		return refuse(http.StatusServiceUnavailable, "请求已取消或超时 (服务器正忙), 请稍后重试")
	}
	return s.runHeld(ctx, release, timeout, fn, "", "请减少数量后重试")
}

// runHeld runs fn, which holds a slot until it really ends (release):
// past timeout, or when the client leaves, the request stops waiting but
// the slot stays taken, so abandoned work cannot pile up. A panic in fn
// is its error. Messages start with who (a file's name) and an overrun
// ends with advice.
func (s *Server) runHeld(ctx context.Context, release func(), timeout time.Duration, fn func() error, who, advice string) error {
	done := make(chan error, 1)
	go func() {
		defer release()
		defer func() {
			if p := recover(); p != nil {
				done <- fmt.Errorf("%s内部错误, 无法处理: %v", who, p)
			}
		}()
		done <- fn()
	}()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-t.C:
		return refuse(http.StatusServiceUnavailable, "%s处理超过 %s 仍未完成, 已放弃; %s", who, timeout, advice)
	case <-ctx.Done():
		return refuse(http.StatusServiceUnavailable, "%s请求已取消", who)
	}
}

// slot takes a slot of lane, or fails when ctx ends first.
func (s *Server) slot(ctx context.Context, lane chan struct{}) (func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, err // a free slot must not win over a request gone
	}
	select {
	case lane <- struct{}{}:
		return func() { <-lane }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// tooHeavy refuses a workbook that unpacks past MaxUnpacked: no form
// comes near it, and reading one takes several times its unpacked size.
func (s *Server) tooHeavy(name string, data []byte) error {
	if n := unpacked(data); n > s.cfg.MaxUnpacked {
		return fmt.Errorf("%s: 解压后 %s, 超过本服务的上限 %s (疑似压缩炸弹), 未检查; 自评表通常不到 1MB, 确需校验请用命令行 xlsxeval check",
			name, sizeText(n), sizeText(s.cfg.MaxUnpacked))
	}
	return nil
}

// unpacked is what a workbook declares it unpacks to (a zip's central
// directory), or its size when it is not a zip. The reader checks that no
// part inflates past what it declares.
func unpacked(data []byte) int64 {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return int64(len(data))
	}
	var n uint64
	for _, f := range zr.File {
		n += f.UncompressedSize64
	}
	return int64(min(n, 1<<50))
}
