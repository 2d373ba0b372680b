package server

import (
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

// checkBook checks one workbook under the per-file timeout. A check that
// overruns is abandoned by the request but keeps its worker slot until it
// really ends, so hostile files cannot pile up unbounded work.
func (s *Server) checkBook(ctx context.Context, b workbook, k *validate.Checker) validate.FileResult {
	if b.err != nil {
		return validate.FileResult{Path: b.name, Err: b.err}
	}
	select {
	case s.workers <- struct{}{}:
	case <-ctx.Done():
		return validate.FileResult{Path: b.name, Err: fmt.Errorf("%s: 请求已取消", b.name)}
	}
	done := make(chan validate.FileResult, 1)
	go func() {
		defer func() { <-s.workers }()
		// CheckReader recovers already; this guards the server itself.
		defer func() {
			if p := recover(); p != nil {
				done <- validate.FileResult{Path: b.name, Err: fmt.Errorf("%s: 内部错误, 无法校验此文件: %v", b.name, p)}
			}
		}()
		done <- s.check(k, bytes.NewReader(b.data), int64(len(b.data)), b.name)
	}()
	t := time.NewTimer(s.cfg.FileTimeout)
	defer t.Stop()
	select {
	case res := <-done:
		return res
	case <-t.C:
		return validate.FileResult{Path: b.name, Err: fmt.Errorf("%s: 校验超过 %s 仍未完成, 已放弃; 文件可能已损坏", b.name, s.cfg.FileTimeout)}
	case <-ctx.Done():
		return validate.FileResult{Path: b.name, Err: fmt.Errorf("%s: 请求已取消", b.name)}
	}
}
