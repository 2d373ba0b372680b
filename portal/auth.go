package portal

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/xlsxeval/xlsxeval/store"
)

type ctxKey int

const unitKey ctxKey = 0

// formMemory bounds what a POST's form may hold besides its upload.
const formMemory = 1 << 20

// admin lets through only the department's link; anything else is a 404,
// as if the page did not exist. A POST must carry the link's CSRF token.
func (p *Portal) admin(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ok, err := p.st.IsAdmin(r.Context(), r.PathValue("tok"))
		if err != nil {
			p.fail(w, r, err)
			return
		}
		if !ok {
			http.NotFound(w, r)
			return
		}
		if r.Method == http.MethodPost && !p.postOK(w, r) {
			return
		}
		h(w, r)
	}
}

// unit lets through a unit's link, with the unit in the request context.
func (p *Portal) unit(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, err := p.st.UnitByToken(r.Context(), r.PathValue("tok"))
		if err != nil {
			p.fail(w, r, err)
			return
		}
		if r.Method == http.MethodPost && !p.postOK(w, r) {
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), unitKey, u)))
	}
}

func unitOf(r *http.Request) *store.Unit { return r.Context().Value(unitKey).(*store.Unit) }

// postOK reads a POST's form within the upload limit and checks its CSRF
// token; it answers the request itself when refusing.
func (p *Portal) postOK(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, p.cfg.MaxUpload+formMemory)
	if ct := r.Header.Get("Content-Type"); len(ct) >= 19 && ct[:19] == "multipart/form-data" {
		if err := r.ParseMultipartForm(p.cfg.MaxUpload + formMemory); err != nil {
			p.refuse(w, r, http.StatusRequestEntityTooLarge, "上传内容过大或不完整 (上限 %d MB): %v", p.cfg.MaxUpload>>20, err)
			return false
		}
	}
	if !p.csrfOK(r) {
		p.refuse(w, r, http.StatusForbidden, "请求缺少有效的 CSRF 令牌; 请从页面重新提交")
		return false
	}
	return true
}

// ownProject is the project {pid} when it belongs to the unit; a 404 for
// any other, whoever's it is.
func (p *Portal) ownProject(w http.ResponseWriter, r *http.Request) (*store.Project, bool) {
	pr, err := p.project(r)
	if err == nil && pr.Unit != unitOf(r).ID {
		err = store.ErrNotFound
	}
	if err != nil {
		p.fail(w, r, err)
		return nil, false
	}
	return pr, true
}

// ownVersion is the version {vid} when its project belongs to the unit.
func (p *Portal) ownVersion(w http.ResponseWriter, r *http.Request) (*store.Version, *store.Project, bool) {
	v, pr, err := p.version(r)
	if err == nil && pr.Unit != unitOf(r).ID {
		err = store.ErrNotFound
	}
	if err != nil {
		p.fail(w, r, err)
		return nil, nil, false
	}
	return v, pr, true
}

// roundProject is the project {pid} when it belongs to round {rid}.
func (p *Portal) roundProject(w http.ResponseWriter, r *http.Request) (*store.Project, bool) {
	pr, err := p.project(r)
	if err == nil && strconv.FormatInt(pr.Round, 10) != r.PathValue("rid") {
		err = store.ErrNotFound
	}
	if err != nil {
		p.fail(w, r, err)
		return nil, false
	}
	return pr, true
}

func (p *Portal) project(r *http.Request) (*store.Project, error) {
	id, err := strconv.ParseInt(r.PathValue("pid"), 10, 64)
	if err != nil {
		return nil, store.ErrNotFound
	}
	return p.st.Project(r.Context(), id)
}

func (p *Portal) version(r *http.Request) (*store.Version, *store.Project, error) {
	id, err := strconv.ParseInt(r.PathValue("vid"), 10, 64)
	if err != nil {
		return nil, nil, store.ErrNotFound
	}
	v, err := p.st.Version(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	pr, err := p.st.Project(r.Context(), v.Project)
	return v, pr, err
}

func roundID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("rid"), 10, 64)
	if err != nil {
		return 0, store.ErrNotFound
	}
	return id, nil
}

// fail answers an error: 404 for anything not found (or not the asker's),
// 500 otherwise, logged without detail to the client.
func (p *Portal) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, store.ErrNotFound) {
		p.refuse(w, r, http.StatusNotFound, "页面不存在, 或链接已失效")
		return
	}
	p.cfg.Log.Printf("error: %s %s: %v", r.Method, redact(r.URL.Path), err)
	p.refuse(w, r, http.StatusInternalServerError, "服务器内部错误, 请稍后再试")
}
