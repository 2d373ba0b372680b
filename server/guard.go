package server

import (
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// Guard refuses requests that another web site makes through the user's
// browser. It is a middleware of its own so that other servers on this
// package (the collection portal) put it in front of their handlers too.
//
//   - DNS rebinding: a page of evil.example whose name is made to point to
//     127.0.0.1 reaches the server with Host: evil.example. Only loopback
//     names, IP literals (no DNS involved) and the names of AllowHosts are
//     served.
//   - Cross-site requests: a form or fetch of another site posting to the
//     API. A request that changes or uploads anything (not GET or HEAD) is
//     refused when its Origin is another origin or Sec-Fetch-Site says
//     cross-site or same-site. Programs that send neither (curl, scripts)
//     are let through: they are not a browser acting for someone else.
type Guard struct {
	// AllowHosts are further host names (without port) the server answers
	// to, as typed in the browser: its LAN DNS name, say. Compared
	// case-insensitively; a leading "." allows every subdomain.
	AllowHosts []string
}

// Wrap returns next behind the guard.
func (g *Guard) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if msg := g.refusal(r); msg != "" {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(http.StatusForbidden)
			json.NewEncoder(w).Encode(map[string]string{"error": msg})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// refusal is why r is refused, or "".
func (g *Guard) refusal(r *http.Request) string {
	host := hostOnly(r.Host)
	if !g.hostAllowed(host) {
		return "拒绝访问: 主机名 \"" + host + "\" 未获允许 (防 DNS 重绑定); 请用 IP 地址或 localhost 访问, 或由管理员以 --allow-host 加入此名称"
	}
	if r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions {
		return ""
	}
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return "拒绝访问: 跨站请求 (来自其他网站的页面) 不予处理"
	}
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		if o == "null" || err != nil || !strings.EqualFold(u.Host, r.Host) {
			return "拒绝访问: 请求来自其他网站 (" + o + "), 不予处理"
		}
	}
	return ""
}

func (g *Guard) hostAllowed(host string) bool {
	if host == "" {
		return false // HTTP/1.1 requires Host; Go fills it in for HTTP/1.0
	}
	if net.ParseIP(host) != nil {
		return true
	}
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true // resolved to loopback by browsers (RFC 6761)
	}
	for _, a := range g.AllowHosts {
		a = strings.ToLower(strings.TrimSuffix(a, "."))
		if h == a || strings.HasPrefix(a, ".") && strings.HasSuffix(h, a) {
			return true
		}
	}
	return false
}

// hostOnly is the host of a Host header, without port or brackets.
func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return strings.TrimSuffix(strings.TrimPrefix(hostport, "["), "]")
}
