package server

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"sync"
	"time"
)

// budget admits work by bytes: Acquire waits until n more bytes fit under
// the limit. It is not first-in first-out: a small request goes ahead of a
// large one that does not fit yet, so one large upload cannot hold up many
// small ones.
type budget struct {
	mu    sync.Mutex
	cond  *sync.Cond
	limit int64
	used  int64
}

func newBudget(limit int64) *budget {
	b := &budget{limit: limit}
	b.cond = sync.NewCond(&b.mu)
	return b
}

// Acquire takes n bytes (at most the limit), waiting until they fit or
// ctx ends.
func (b *budget) Acquire(ctx context.Context, n int64) error {
	n = min(n, b.limit)
	stop := context.AfterFunc(ctx, func() {
		b.mu.Lock()
		b.cond.Broadcast()
		b.mu.Unlock()
	})
	defer stop()
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.used+n > b.limit {
		if err := ctx.Err(); err != nil {
			return err
		}
		b.cond.Wait()
	}
	b.used += n
	return nil
}

// Release returns n bytes taken by Acquire.
func (b *budget) Release(n int64) {
	n = min(n, b.limit)
	b.mu.Lock()
	b.used -= n
	b.cond.Broadcast()
	b.mu.Unlock()
}

// withUpload reads the whole body into memory before the handler runs, so
// that a client sending slowly holds no worker slot. Memory is admitted by
// bytes in flight: each chunk of a body is taken from the shared body
// budget as it arrives, so a slow client holds only what it really sent,
// not what it declares, and loses even that at BodyTimeout. Work on the
// body (checking workbooks) then takes worker slots by weight (check.go).
func (s *Server) withUpload(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > s.cfg.MaxUpload {
			fail(w, tooLarge(s.cfg.MaxUpload))
			return
		}
		deadline := time.Now().Add(s.cfg.BodyTimeout)
		// Past the deadline reads fail, and the client is told why.
		http.NewResponseController(w).SetReadDeadline(deadline)
		chunks, held, err := s.readBody(w, r, deadline)
		defer s.bodies.Release(held)
		if err != nil {
			fail(w, err) // harmless when the client is gone
			return
		}
		http.NewResponseController(w).SetReadDeadline(time.Time{})
		readers := make([]io.Reader, len(chunks))
		r.ContentLength = 0
		for i, c := range chunks {
			readers[i] = bytes.NewReader(c)
			r.ContentLength += int64(len(c))
		}
		r.Body = io.NopCloser(io.MultiReader(readers...))
		h(w, r)
	}
}

// bodyChunk is how much of a body is admitted at a time.
const bodyChunk = 256 << 10

// readBody reads r's body up to MaxUpload in chunks, taking each from the
// body budget before reading it; held is what it took. Chunks, not one
// growing buffer: a buffer that doubles holds up to twice the body. A
// chunk that cannot be had within budgetWait (every byte of the budget
// held by bodies still arriving) ends the request as busy rather than
// waiting for them all.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, deadline time.Time) (chunks [][]byte, held int64, err error) {
	src := http.MaxBytesReader(w, r.Body, s.cfg.MaxUpload)
	for {
		wait := time.Now().Add(budgetWait)
		if deadline.Before(wait) {
			wait = deadline
		}
		ctx, cancel := context.WithDeadline(r.Context(), wait)
		err := s.bodies.Acquire(ctx, bodyChunk)
		cancel()
		if err != nil {
			return nil, held, refuse(http.StatusServiceUnavailable, "服务器正忙 (同时上传的内容过多), 请稍后重试")
		}
		held += bodyChunk
		c, err := fill(src, make([]byte, bodyChunk))
		if len(c) > 0 {
			chunks = append(chunks, c)
		}
		switch {
		case err == io.EOF:
			return chunks, held, nil
		case err != nil:
			return nil, held, s.bodyError(err)
		}
	}
}

// fill reads into b until it is full or src ends; unlike io.ReadFull it
// tells the body's end (io.EOF) from a client gone mid-body.
func fill(src io.Reader, b []byte) ([]byte, error) {
	n := 0
	for n < len(b) {
		k, err := src.Read(b[n:])
		n += k
		if err != nil {
			return b[:n], err
		}
	}
	return b, nil
}

// budgetWait bounds the wait for body budget.
const budgetWait = 15 * time.Second

// bodyError tells an over-limit body, a client too slow to send it and a
// broken one apart, in words a user can act on.
func (s *Server) bodyError(err error) error {
	var mb *http.MaxBytesError
	switch {
	case errors.As(err, &mb):
		return tooLarge(s.cfg.MaxUpload)
	case errors.Is(err, os.ErrDeadlineExceeded):
		return refuse(http.StatusRequestTimeout, "上传未在 %s 内完成, 已中断; 请检查网络后重试, 或分批上传", s.cfg.BodyTimeout)
	}
	return refuse(http.StatusBadRequest, "上传内容不完整 (连接中断或格式有误), 请重试")
}

func tooLarge(limit int64) error {
	return refuse(http.StatusRequestEntityTooLarge, "上传内容超过上限 %s; 请分批上传 (或请管理员以 --max-upload 调高上限)", FormatSize(limit))
}
