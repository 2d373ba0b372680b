// Package portal is `xlsxeval serve --data DIR`: a collection round on a
// server. The department (its own link) creates a round from a spec and a
// roster, hands each unit its upload link, follows progress, reads every
// version's findings and marks forms 定稿. A unit (its link) sees only its
// own projects, downloads its templates, uploads and sees the findings at
// once, exactly as `check` gives them.
//
// Links are capabilities: 128-bit random tokens, kept only as hashes. A
// token that is not a unit's, or a project that is not that unit's, is a
// 404, so a unit cannot even learn that another's project exists.
package portal

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/xlsxeval/xlsxeval/formulas"
	"github.com/xlsxeval/xlsxeval/integrity"
	"github.com/xlsxeval/xlsxeval/report"
	"github.com/xlsxeval/xlsxeval/server"
	"github.com/xlsxeval/xlsxeval/store"
	"github.com/xlsxeval/xlsxeval/validate"
)

// CheckFunc checks one uploaded workbook, comparing its forms with the
// given spec records (tpl.*) as check --spec does. main builds it from the
// same checker `check` uses.
type CheckFunc func(b []byte, name string, specs []*integrity.Record) validate.FileResult

// Config is what the portal is given.
type Config struct {
	Store   *store.Store
	Check   CheckFunc
	Profile *formulas.Profile // templates and spec reading; nil: default
	SignKey integrity.Key     // signs the templates handed out; zero: unsigned
	Lang    report.Lang
	// MaxUpload bounds one upload's body (default 50 MB).
	MaxUpload int64
	// UploadBurst uploads a link may make at once, refilled at UploadRate
	// a minute (defaults 10 and 30).
	UploadBurst int
	UploadRate  float64
	// AllowHosts are host names the portal answers to besides localhost
	// and IP addresses (server.Guard: DNS rebinding, cross-site requests).
	AllowHosts []string
	Log        *log.Logger
}

func (c *Config) fill() {
	if c.Profile == nil {
		c.Profile = formulas.Default()
	}
	if c.Lang == "" {
		c.Lang = report.ZH
	}
	if c.MaxUpload <= 0 {
		c.MaxUpload = 50 << 20
	}
	if c.UploadBurst <= 0 {
		c.UploadBurst = 10
	}
	if c.UploadRate <= 0 {
		c.UploadRate = 30
	}
	if c.Log == nil {
		c.Log = log.New(io.Discard, "", 0)
	}
}

// Portal is the http.Handler of the department's and the units' pages.
type Portal struct {
	cfg    Config
	st     *store.Store
	mux    *http.ServeMux
	secret []byte
	limit  *limiter
	guard  http.Handler // the mux behind server.Guard
	specs  sync.Map     // round id → *roundSpec
}

// New returns the portal of cfg.
func New(ctx context.Context, cfg Config) (*Portal, error) {
	cfg.fill()
	if cfg.Store == nil || cfg.Check == nil {
		return nil, errors.New("portal: Store and Check are required")
	}
	secret, err := cfg.Store.Secret(ctx)
	if err != nil {
		return nil, err
	}
	p := &Portal{cfg: cfg, st: cfg.Store, mux: http.NewServeMux(), secret: secret,
		limit: newLimiter(cfg.UploadBurst, cfg.UploadRate)}
	p.routes()
	p.guard = (&server.Guard{AllowHosts: cfg.AllowHosts}).Wrap(p.mux)
	return p, nil
}

func (p *Portal) routes() {
	m := p.mux
	m.HandleFunc("GET /{$}", p.home)
	m.HandleFunc("GET /api/health", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok\n") })
	// The department.
	m.HandleFunc("GET /a/{tok}/{$}", p.admin(p.adminHome))
	m.HandleFunc("GET /a/{tok}/api/{$}", p.admin(p.adminJSON))
	m.HandleFunc("POST /a/{tok}/rounds", p.admin(p.createRound))
	m.HandleFunc("POST /a/{tok}/api/rounds", p.admin(p.createRound))
	m.HandleFunc("GET /a/{tok}/r/{rid}/{$}", p.admin(p.roundPage))
	m.HandleFunc("GET /a/{tok}/api/r/{rid}", p.admin(p.roundJSON))
	m.HandleFunc("POST /a/{tok}/r/{rid}/links", p.admin(p.linksCSV))
	m.HandleFunc("GET /a/{tok}/r/{rid}/u/{uid}/templates.zip", p.admin(p.unitTemplates))
	m.HandleFunc("GET /a/{tok}/r/{rid}/p/{pid}/{$}", p.admin(p.adminProject))
	m.HandleFunc("POST /a/{tok}/r/{rid}/p/{pid}/accept", p.admin(p.accept))
	m.HandleFunc("GET /a/{tok}/r/{rid}/v/{vid}/file", p.admin(p.adminFile))
	m.HandleFunc("GET /a/{tok}/r/{rid}/summary.xlsx", p.admin(p.summary))
	m.HandleFunc("GET /a/{tok}/r/{rid}/accepted.zip", p.admin(p.acceptedZip))
	// A unit.
	m.HandleFunc("GET /u/{tok}/{$}", p.unit(p.unitHome))
	m.HandleFunc("GET /u/{tok}/api/{$}", p.unit(p.unitJSON))
	m.HandleFunc("GET /u/{tok}/templates.zip", p.unit(p.ownTemplates))
	m.HandleFunc("GET /u/{tok}/p/{pid}/{$}", p.unit(p.unitProject))
	m.HandleFunc("GET /u/{tok}/api/p/{pid}", p.unit(p.unitProjectJSON))
	m.HandleFunc("GET /u/{tok}/p/{pid}/template.xlsx", p.unit(p.unitTemplate))
	m.HandleFunc("POST /u/{tok}/p/{pid}/upload", p.unit(p.upload))
	m.HandleFunc("POST /u/{tok}/api/p/{pid}/upload", p.unit(p.upload))
	m.HandleFunc("GET /u/{tok}/v/{vid}/file", p.unit(p.unitFile))
	m.HandleFunc("GET /u/{tok}/v/{vid}/annotated.xlsx", p.unit(p.annotated))
}

func (p *Portal) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	// Pages are self-contained: no script, no request to another origin.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin") // links carry tokens: never sent elsewhere
	h.Set("Cache-Control", "no-store")
	start := time.Now()
	p.guard.ServeHTTP(w, r)
	p.cfg.Log.Printf("%s %s %s", r.Method, redact(r.URL.Path), time.Since(start).Round(time.Millisecond))
}

// redact keeps link tokens out of the log.
func redact(path string) string {
	parts := strings.Split(path, "/")
	if len(parts) > 2 && (parts[1] == "a" || parts[1] == "u") {
		parts[2] = "…"
	}
	return strings.Join(parts, "/")
}

// csrf is the form token of a link: derived from the server's secret and
// the link, so it needs no session and survives a restart.
func (p *Portal) csrf(link string) string {
	m := hmac.New(sha256.New, p.secret)
	m.Write([]byte("csrf\x00" + link))
	return hex.EncodeToString(m.Sum(nil))[:32]
}

// csrfOK checks the token of a POST: the csrf form field or the
// X-CSRF-Token header.
func (p *Portal) csrfOK(r *http.Request) bool {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		got = r.FormValue("csrf")
	}
	return hmac.Equal([]byte(got), []byte(p.csrf(r.PathValue("tok"))))
}

// Run serves the portal until ctx is cancelled; ready gets the address.
func Run(ctx context.Context, cfg Config, addr string, ready func(addr string)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("无法监听 %s: %v", addr, err)
	}
	p, err := New(ctx, cfg)
	if err != nil {
		ln.Close()
		return err
	}
	return server.Serve(ctx, ln, p, ready)
}

// limiter is a token bucket per link: uploads beyond the burst wait for
// the refill, so one link cannot flood the checker or the disk.
type limiter struct {
	mu      sync.Mutex
	burst   float64
	perSec  float64
	buckets map[string]*bucket
}

type bucket struct {
	left float64
	at   time.Time
}

func newLimiter(burst int, perMin float64) *limiter {
	return &limiter{burst: float64(burst), perSec: perMin / 60, buckets: map[string]*bucket{}}
}

// allow takes one upload from key's bucket; false with the wait otherwise.
func (l *limiter) allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	b := l.buckets[key]
	if b == nil {
		b = &bucket{left: l.burst, at: now}
		l.buckets[key] = b
	}
	b.left = min(l.burst, b.left+now.Sub(b.at).Seconds()*l.perSec)
	b.at = now
	if b.left < 1 {
		return false, time.Duration((1 - b.left) / l.perSec * float64(time.Second))
	}
	b.left--
	return true, 0
}
