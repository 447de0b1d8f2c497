// Package web is gridbot's browser front, served by gridbot serve beside the
// platform callbacks: one more inbound adapter and one more presentation.
//
//   - A villager page per grid (/v/<token>, mobile first, no login) whose
//     report runs the very 上报 of the chat (handlers.VillagerReport, in the
//     pipeline's one transaction: bot.Pipeline.Web), and a private tracking
//     page per report (/t/<token>) that takes the villager's rating.
//   - Printable QR posters for the grids' 公开栏.
//   - The office dashboard (/office), entered by the one-time link that 后台
//     sends in chat, then a session cookie: the month's live ranking (package
//     present), the grids' 网格运行指数 as a table and SVG charts, open issues,
//     the month's activities with their photos, notices, the audit log,
//     export through the same code as the command line, and 发布 (preview,
//     确认发布), 取消排名 and 恢复排名 through the chat's (package review).
//
// Pages are html/template with everything embedded: no build step, no CDN,
// and no JavaScript needed (a few lines help where there is some).
package web

import (
	"context"
	"embed"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"gridbot"
	"gridbot/bot"
	"gridbot/present"
	"gridbot/storage/kv"
)

// Limits of the villager front.
const (
	// MaxReport is the largest report, photos included: more is 413.
	MaxReport = 10 << 20
	// MaxPhotos is how many photos one report takes: a record's whole
	// allowance (chat pictures share it).
	MaxPhotos = gridbot.MaxRecordImages
	// MaxText is the longest description kept, in characters.
	MaxText = 2000
	// IPRate reports a minute from one address; over it, 429.
	IPRate = 10
	// GridRate reports an hour into one grid; over it, 429.
	GridRate = 60
	// SessionTTL is how long an office login lasts.
	SessionTTL = 12 * time.Hour
	// gridCacheTTL is how long a grid's name and leader are reused.
	gridCacheTTL = 30 * time.Second
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Deps are what the web front works with.
type Deps struct {
	Store gridbot.Store
	// Pipe runs the villagers' reports and ratings in one transaction each,
	// through its Handler (the rules, the ranking board, 上报 itself) and
	// its Notifier.
	Pipe *bot.Pipeline
	// Limiter keeps the per-address and per-grid report limits (Redis
	// across replicas, or in-process).
	Limiter kv.Limiter
	// Deliver sends jobs just committed (the notices of a report), in the
	// background; nil leaves them to the notifier's worker.
	Deliver func(jobs []gridbot.OutboundJob)
	Clock   gridbot.Clock
	Logger  *slog.Logger
	// Secure marks the session cookie Secure (the public URL is https).
	Secure bool
}

// Server serves the web front's routes.
type Server struct {
	d     Deps
	pages map[string]*template.Template

	mu    sync.Mutex
	grids map[int64]gridEntry // by grid id: name, village, leaders
	rank  rankCache
}

// New returns the web front on d.
func New(d Deps) *Server {
	if d.Clock == nil {
		d.Clock = gridbot.SystemClock{}
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	return &Server{d: d, pages: parsePages(), grids: map[int64]gridEntry{}}
}

// Register adds the web front's routes to mux.
func (s *Server) Register(mux *http.ServeMux) {
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", cacheFor(http.FileServerFS(static))))
	mux.HandleFunc("GET /v/{token}", s.villagerPage)
	mux.HandleFunc("POST /v/{token}", s.report)
	mux.HandleFunc("GET /t/{token}", s.trackingPage)
	mux.HandleFunc("POST /t/{token}", s.rate)
	mux.HandleFunc("GET /t/{token}/photo/{id}", s.trackingPhoto)
	mux.HandleFunc("GET /office/login/{token}", s.login)
	mux.HandleFunc("GET /office/help", s.loginHelp)
	mux.HandleFunc("GET /office", s.office(s.ranking))
	mux.HandleFunc("GET /office/index", s.office(s.indexPage))
	mux.HandleFunc("GET /office/index.svg", s.office(s.indexChart))
	mux.HandleFunc("GET /office/issues", s.office(s.issuesPage))
	mux.HandleFunc("GET /office/activities", s.office(s.activitiesPage))
	mux.HandleFunc("GET /office/notices", s.office(s.noticesPage))
	mux.HandleFunc("GET /office/audit", s.office(s.auditPage))
	mux.HandleFunc("GET /office/posters", s.office(s.posters))
	mux.HandleFunc("GET /office/posters/{grid}", s.office(s.posters))
	mux.HandleFunc("GET /office/photo/{id}", s.office(s.officePhoto))
	mux.HandleFunc("GET /office/export", s.office(s.export))
	mux.HandleFunc("GET /office/publish", s.office(s.publishPage))
	mux.HandleFunc("POST /office/publish", s.office(s.publish))
	mux.HandleFunc("GET /office/exclude", s.office(s.excludePage))
	mux.HandleFunc("POST /office/exclude", s.office(s.exclude))
	mux.HandleFunc("POST /office/restore", s.office(s.restore))
	mux.HandleFunc("POST /office/logout", s.office(s.logout))
}

func cacheFor(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}

var funcs = template.FuncMap{
	"time":      fmtTime,
	"maxPhotos": func() int { return MaxPhotos },
	"day":       func(t time.Time) string { return t.In(gridbot.Zone).Format("2006-01-02") },
	"deref": func(p *float64) float64 {
		if p == nil {
			return 0
		}
		return *p
	},
}

// parsePages parses each page with the layout.
func parsePages() map[string]*template.Template {
	base := template.Must(template.New("base.html").Funcs(funcs).ParseFS(templateFS, "templates/base.html"))
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if name == "base" {
			continue
		}
		pages[name] = template.Must(template.Must(base.Clone()).ParseFS(templateFS, n))
	}
	return pages
}

// page is what every page template gets.
type page struct {
	Title string
	// Office pages: the nav, the form token.
	Office *session
	Data   any
}

// render writes page name with status.
func (s *Server) render(w http.ResponseWriter, status int, name string, p page) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'")
	var b strings.Builder
	if err := s.pages[name].ExecuteTemplate(&b, "base.html", p); err != nil {
		s.d.Logger.Error("web: rendering a page", "page", name, "err", err)
		http.Error(w, "系统内部错误，请稍后再试。", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(status)
	_, _ = io.WriteString(w, b.String()) // no copy of the page
}

// message is a page that only says something: a refusal, an error.
type message struct {
	Heading  string
	Text     string
	Link     string
	LinkText string
}

// say answers with a page of words.
func (s *Server) say(w http.ResponseWriter, status int, heading, text string) {
	s.render(w, status, "message", page{Title: heading, Data: message{Heading: heading, Text: text}})
}

// fail logs an internal error and apologizes.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	s.d.Logger.Error("web: request failed", "path", r.URL.Path, "err", err)
	s.say(w, http.StatusInternalServerError, "系统繁忙", "系统暂时出了问题，请稍后再试。")
}

// found answers a failed look-up: 404 for what does not exist (an unknown or
// withdrawn link), the internal-error page for anything else. It reports
// whether err was nil and the handler may go on.
func (s *Server) found(w http.ResponseWriter, r *http.Request, err error) bool {
	switch {
	case err == nil:
		return true
	case gridbot.ErrorCode(err) == gridbot.ENOTFOUND:
		s.notFound(w)
	default:
		s.fail(w, r, err)
	}
	return false
}

// notFound answers 404 in words.
func (s *Server) notFound(w http.ResponseWriter) {
	s.say(w, http.StatusNotFound, "没有找到", "这个链接不存在或已经停用。网格码更换后，旧的二维码不再有效，请扫描公开栏上新的二维码。")
}

// clientIP is the address a request came from: the connection's, or, when
// that is a proxy on this host, the last address the proxy added.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			return strings.TrimSpace(parts[len(parts)-1])
		}
	}
	return host
}

// allow applies a rate limit; it fails open when the limiter is down.
func (s *Server) allow(ctx context.Context, key string, limit int, window time.Duration) bool {
	if s.d.Limiter == nil {
		return true
	}
	kctx, cancel := context.WithTimeout(ctx, bot.DefaultKVTimeout)
	defer cancel()
	ok, _, err := s.d.Limiter.Allow(kctx, key, limit, window)
	if err != nil {
		s.d.Logger.Warn("web: rate limiter unavailable; letting the report through", "err", err)
		return true
	}
	return ok
}

// fmtTime writes an instant as people read it: "10月4日 08:12".
func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return present.When(t)
}

// gridNames maps the grids' ids to their names.
func gridNames(grids []gridbot.Grid) map[int64]string {
	m := make(map[int64]string, len(grids))
	for _, g := range grids {
		m[g.ID] = g.Name
	}
	return m
}

// personNames adds the people's user ids and names to m (a new map when nil)
// and returns it.
func personNames(people []gridbot.Person, m map[string]string) map[string]string {
	if m == nil {
		m = make(map[string]string, len(people))
	}
	for _, p := range people {
		m[p.UserID] = p.Name
	}
	return m
}
