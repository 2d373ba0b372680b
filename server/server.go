// Package server is `xlsxeval serve`: a small local web page and an HTTP
// API over the same checks as `xlsxeval check`, for people who do not use
// a command line.
//
// It keeps nothing: every upload lives in memory for its request only.
// Downloads that need the workbooks again (annotated copies) take them
// again from the page, which still holds the files the user dropped; the
// summary workbook is built from the check results the page sends back.
// So concurrent users cannot see each other's files and a restart loses
// nothing.
package server

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/xlsxeval/xlsxeval/integrity"
	"github.com/xlsxeval/xlsxeval/layout"
	"github.com/xlsxeval/xlsxeval/report"
	"github.com/xlsxeval/xlsxeval/template"
	"github.com/xlsxeval/xlsxeval/validate"
)

// Config tunes a server; zero fields take the defaults below.
type Config struct {
	Addr      string      // listen address; default 127.0.0.1:8080
	MaxUpload int64       // bytes of one request's body; default 50 MB
	MaxFiles  int         // workbooks per request, zip entries included; default 200
	Lang      report.Lang // messages unless a request asks (?lang=en)
	// Checker is what every upload is read and checked with (checks,
	// profile, seal, limits), as xlsxeval check's; nil: every check under
	// formulas.Default(). A request's password is added per request.
	Checker     *validate.Checker
	FileTimeout time.Duration // per workbook; default 30 s
	Workers     int           // light workbooks handled at once, all users together; default NumCPU
	// Admission (admit.go, check.go): bodies are read whole before any
	// work, within BodyTimeout (default 2 min); the bytes received so far
	// by all requests together stay within BodyBudget (default 4×MaxUpload). A workbook declaring more
	// than LightMax unpacked (default 4 MB) waits for the one heavy slot;
	// past MaxUnpacked (default 32 MB) it is refused.
	BodyTimeout time.Duration
	BodyBudget  int64
	LightMax    int64
	MaxUnpacked int64
	// AllowHosts are host names the server answers to besides loopback
	// names and IP addresses (Guard).
	AllowHosts []string
	// SignKey signs the templates of Spec's projects (GET /api/prefilled).
	// Templates built from an uploaded spec are never signed: the server
	// would sign whatever a unit sent it.
	SignKey integrity.Key
	Spec    *template.Spec
	// Template requests: at most MaxProjects projects (default 200; one
	// workbook of many sheets: 30), each request within TemplateTimeout
	// (default 60 s); the work stops when the client leaves.
	MaxProjects     int
	TemplateTimeout time.Duration
	// Layouts are the built-in layouts a template may be asked in
	// (?layout=NAME; the page's select), as xlsxeval layouts lists them;
	// nil: layout.Builtin(). Never a file: the web names layouts only.
	Layouts []*layout.Layout
	Version string      // shown on the page
	Log     *log.Logger // nil: no request log
}

// Defaults.
const (
	DefaultAddr        = "127.0.0.1:8080"
	DefaultMaxUpload   = 50 << 20
	DefaultMaxFiles    = 200
	DefaultMaxUnpacked = 32 << 20
	DefaultMaxProjects = 200
	maxSheets          = 30 // projects in one workbook (single=1)
)

func (c *Config) fill() {
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	if c.MaxUpload <= 0 {
		c.MaxUpload = DefaultMaxUpload
	}
	if c.MaxFiles <= 0 {
		c.MaxFiles = DefaultMaxFiles
	}
	if c.Lang == "" {
		c.Lang = report.ZH
	}
	if c.Checker == nil {
		c.Checker = validate.NewChecker(validate.Checks(), validate.ReadOptions{})
	}
	if c.FileTimeout <= 0 {
		c.FileTimeout = 30 * time.Second
	}
	if c.Workers <= 0 {
		c.Workers = runtime.NumCPU()
	}
	if c.BodyTimeout <= 0 {
		c.BodyTimeout = 2 * time.Minute
	}
	if c.BodyBudget <= 0 {
		c.BodyBudget = 4 * c.MaxUpload
	}
	if c.LightMax <= 0 {
		c.LightMax = 4 << 20
	}
	if c.MaxUnpacked <= 0 {
		c.MaxUnpacked = DefaultMaxUnpacked
	}
	if c.MaxProjects <= 0 {
		c.MaxProjects = DefaultMaxProjects
	}
	if c.TemplateTimeout <= 0 {
		c.TemplateTimeout = time.Minute
	}
	if c.Log == nil {
		c.Log = log.New(io.Discard, "", 0)
	}
	if c.Layouts == nil {
		c.Layouts = layout.Builtin()
	}
}

// Server is the http.Handler of the page and the API.
type Server struct {
	cfg     Config
	handler http.Handler  // mux behind the Guard
	light   chan struct{} // a slot per light workbook being handled
	heavy   chan struct{} // the slot of heavy workbooks and large summaries
	bodies  *budget       // bytes of request bodies held in memory
	// check is Checker.CheckReader; tests put a hostile stand-in here.
	check func(k *validate.Checker, r io.ReaderAt, size int64, name string) validate.FileResult
}

//go:embed page.html
var static embed.FS

// New returns the handler for cfg.
func New(cfg Config) *Server {
	cfg.fill()
	s := &Server{cfg: cfg, light: make(chan struct{}, cfg.Workers), heavy: make(chan struct{}, 1),
		bodies: newBudget(cfg.BodyBudget), check: (*validate.Checker).CheckReader}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.handlePage)
	mux.HandleFunc("POST /api/check", s.withUpload(s.handleCheck))
	mux.HandleFunc("POST /api/annotate", s.withUpload(s.handleAnnotate))
	mux.HandleFunc("POST /api/summary", s.withUpload(s.handleSummary))
	mux.HandleFunc("GET /api/template", s.handleBlank)
	mux.HandleFunc("POST /api/template", s.withUpload(s.handleSpec))
	mux.HandleFunc("GET /api/prefilled", s.handlePrefilled)
	mux.HandleFunc("GET /api/health", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok\n") })
	s.handler = (&Guard{AllowHosts: cfg.AllowHosts}).Wrap(mux)
	return s
}

// Config returns the server's configuration with defaults filled in.
func (s *Server) Config() Config { return s.cfg }

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	// The page is self-contained: no request leaves for another origin.
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	start := time.Now()
	s.handler.ServeHTTP(w, r)
	s.cfg.Log.Printf("%s %s %s", r.Method, r.URL.Path, time.Since(start).Round(time.Millisecond))
}

func (s *Server) handlePage(w http.ResponseWriter, r *http.Request) {
	b, err := static.ReadFile("page.html")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	page := strings.NewReplacer(
		"{{version}}", htmlEscape(s.cfg.Version),
		"{{maxUpload}}", FormatSize(s.cfg.MaxUpload),
		"{{maxFiles}}", strconv.Itoa(s.cfg.MaxFiles),
		"{{maxUploadBytes}}", strconv.FormatInt(s.cfg.MaxUpload, 10),
		"{{prefilledHidden}}", map[bool]string{true: "", false: "hidden"}[s.cfg.Spec != nil],
		"{{signedNote}}", map[bool]string{true: " (已签名)", false: ""}[!s.cfg.SignKey.IsZero()],
		"{{lang}}", string(s.cfg.Lang),
		"{{unit}}", htmlEscape(s.cfg.Checker.Profile().AmountUnit),
		"{{year}}", strconv.Itoa(time.Now().Year()-1),
		"{{layoutOptions}}", layoutOptions(s.cfg.Layouts),
	).Replace(string(b))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	io.WriteString(w, page)
}

// layoutOptions are the page's <option>s of the template layouts, each
// with the amount unit it is printed in, if it has one.
func layoutOptions(ls []*layout.Layout) string {
	var b strings.Builder
	for _, l := range ls {
		fmt.Fprintf(&b, `<option value="%s" data-unit="%s">%s (%s)</option>`,
			htmlEscape(l.Name), htmlEscape(l.AmountUnit), htmlEscape(l.Title), htmlEscape(l.Name))
	}
	return b.String()
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;").Replace(s)
}

// fail answers {"error": msg} with the status of a requestError, or 500.
func fail(w http.ResponseWriter, err error) {
	status := http.StatusInternalServerError
	var re *requestError
	if errors.As(err, &re) {
		status = re.status
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
}

// langOf reads ?lang= or the lang field; the server's default otherwise.
func (s *Server) langOf(r *http.Request, fields map[string]string) report.Lang {
	v := r.URL.Query().Get("lang")
	if v == "" && fields != nil {
		v = fields["lang"]
	}
	switch strings.ToLower(v) {
	case "en":
		return report.EN
	case "zh", "cn", "zh-cn":
		return report.ZH
	}
	return s.cfg.Lang
}

// Run serves cfg until ctx is cancelled, then shuts down gracefully:
// requests under way get up to 30 s to finish. ready, if not nil, is
// called with the address listened on (useful with port 0).
func Run(ctx context.Context, cfg Config, ready func(addr string)) error {
	h := New(cfg)
	cfg = h.cfg
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("无法监听 %s: %v", cfg.Addr, err)
	}
	return Serve(ctx, ln, h, ready)
}

// Serve serves h on ln with NewHTTPServer's timeouts until ctx is
// cancelled, then shuts down gracefully: requests under way get up to
// 30 s to finish. ready, if not nil, gets the address (port 0 resolved).
// The page and the portal both run through it.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, ready func(addr string)) error {
	srv := NewHTTPServer(h)
	if ready != nil {
		ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		return fmt.Errorf("关闭服务时出错: %v", err)
	}
	return nil
}

// NewHTTPServer wraps h with timeouts against slow or stalled clients.
// WriteTimeout covers checking a full upload (MaxFiles workbooks).
func NewHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute,
		WriteTimeout:      10 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
}

// IsLoopback tells whether addr listens on this machine only.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// URLs are the addresses to open for a server listening on addr: itself,
// or for an unspecified host (0.0.0.0, ::) http://127.0.0.1:PORT/ and one
// per address of this machine's network interfaces that are up.
func URLs(addr string) []string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return []string{"http://" + addr + "/"}
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsUnspecified() {
		return []string{"http://" + net.JoinHostPort(host, port) + "/"}
	}
	out := []string{"http://" + net.JoinHostPort("127.0.0.1", port) + "/"}
	ifs, _ := net.Interfaces()
	for _, ifc := range ifs {
		if ifc.Flags&net.FlagUp == 0 || ifc.Flags&net.FlagLoopback != 0 {
			continue
		}
		addrs, _ := ifc.Addrs()
		for _, a := range addrs {
			n, ok := a.(*net.IPNet)
			if !ok || n.IP.IsLinkLocalUnicast() || n.IP.To4() == nil && ip.To4() != nil {
				continue
			}
			out = append(out, "http://"+net.JoinHostPort(n.IP.String(), port)+"/")
		}
	}
	return out
}

// ParseSize reads sizes such as 50MB, 512KB, 1GB, 10M or 1048576 (bytes).
func ParseSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || n > (1<<40)/mult {
		return 0, fmt.Errorf("无法识别的大小 %q (例如 50MB、512KB)", s)
	}
	return n * mult, nil
}

// FormatSize writes n bytes as MB or KB for messages.
func FormatSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%dMB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%dKB", n>>10)
	}
	return fmt.Sprintf("%d 字节", n)
}

// sizeText writes n bytes readably, for sizes that are not round.
func sizeText(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1fMB", float64(n)/(1<<20))
	}
	return FormatSize(n)
}
