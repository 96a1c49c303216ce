// Package console serves qslocal's administrator console: server-rendered
// HTML pages over the domain service, at Prefix. It calls the same
// service methods the API calls, so a click and an API call race as two
// API calls would. Nothing is fetched from the network: templates and
// style sheet are embedded.
package console

import (
	"context"
	"crypto/rand"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/api"
	"github.com/qslocal/qslocal/sigv4"
)

// Prefix is the path the console is served under.
const Prefix = "/console/"

//go:embed templates static
var files embed.FS

// Config configures a Console.
type Config struct {
	Service *qslocal.Service
	// Log, when set, feeds the request log page.
	Log *RequestLog
	// Credentials, when set, are the callers who may sign in (--auth
	// sigv4); without them the console asks for none.
	Credentials []sigv4.Credential
	// EnforceIAM: a caller's IAM policies decide, admins included, what
	// it may read and whether it may decide upgrade requests
	// (quicksight:UpdateSelfUpgrade), as the API authorizes its calls.
	EnforceIAM bool
	// Region is the region of the ARNs policies are evaluated against.
	Region string
	// SessionTTL is how long a session lasts; 0 means DefaultSessionTTL.
	SessionTTL time.Duration
	Logger     *slog.Logger
	// Now reads the clock; nil means time.Now.
	Now func() time.Time
}

// Console is an http.Handler for the pages under Prefix.
type Console struct {
	cfg    Config
	mux    *http.ServeMux
	pages  map[string]*template.Template
	secret []byte // signs session cookies and CSRF tokens

	mu       sync.Mutex
	signOuts map[string]uint64 // by access key id: see generation
}

// New builds a Console. Its secret is new with each process: sessions do
// not outlive it.
func New(cfg Config) *Console {
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = DefaultSessionTTL
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Region == "" {
		cfg.Region = qslocal.DefaultRegion
	}
	c := &Console{cfg: cfg, mux: http.NewServeMux(), pages: map[string]*template.Template{}, secret: make([]byte, 32),
		signOuts: map[string]uint64{}}
	rand.Read(c.secret) // never fails (crypto/rand)
	funcs := template.FuncMap{"has": has, "path": pathEscape, "ms": ms, "millis": millis, "inc": func(n int) int { return n + 1 },
		"deref":   func(p any) any { return reflect.Indirect(reflect.ValueOf(p)).Interface() },
		"actions": actionsFor,
		"short":   func(action string) string { return strings.TrimPrefix(action, "quicksight:") },
		"title":   func(s string) string { return s[:1] + strings.ToLower(s[1:]) }}
	names, _ := fs.Glob(files, "templates/*.html")
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if name == "layout" || name == "routes" {
			continue
		}
		c.pages[name] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(files, "templates/layout.html", "templates/routes.html", n))
	}
	static, _ := fs.Sub(files, "static")
	c.mux.Handle("GET "+Prefix+"static/", http.StripPrefix(Prefix+"static/", http.FileServerFS(static)))
	c.mux.HandleFunc("GET "+Prefix+"login", c.loginPage)
	c.mux.HandleFunc("POST "+Prefix+"login", c.loginPost)
	c.mux.HandleFunc("POST "+Prefix+"logout", c.guard(c.logout))
	c.mux.HandleFunc("GET "+Prefix+"{$}", c.guard(c.accounts))
	c.mux.HandleFunc("GET "+Prefix+"requests", c.guard(c.requests))
	a := Prefix + "accounts/{account}/"
	c.mux.HandleFunc("GET "+a+"{$}", c.guard(c.namespaces))
	c.mux.HandleFunc("GET "+a+"assets", c.guard(c.assets))
	c.mux.HandleFunc("GET "+a+"access", c.guard(c.assetAccess))
	n := a + "namespaces/{namespace}/"
	c.mux.HandleFunc("GET "+n+"users", c.guard(c.users))
	c.mux.HandleFunc("GET "+n+"users/{user}/access", c.guard(c.userAccess))
	c.mux.HandleFunc("GET "+n+"groups", c.guard(c.groups))
	c.mux.HandleFunc("GET "+n+"upgrades", c.guard(c.upgrades))
	c.mux.HandleFunc("POST "+n+"upgrades", c.guard(c.decide))
	c.mux.HandleFunc("GET "+n+"assignments", c.guard(c.assignments))
	return c
}

// Mount serves the console at Prefix and passes every other request to
// next, untouched (its paths are not cleaned, as a ServeMux would).
func (c *Console) Mount(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, Prefix) {
			c.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// ServeHTTP serves the console's pages, each with a policy that lets
// them load nothing but from qslocal itself.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; form-action 'self'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	c.mux.ServeHTTP(w, r)
}

// callerKey keys the signed-in caller in a request's context.
type callerKey struct{}

// guard admits a request: with credentials configured, only from a
// signed-in caller, and then only to the caller's own account; a POST
// must carry its session's CSRF token.
func (c *Console) guard(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if a := r.PathValue("account"); a != "" && !qslocal.IsAccountID(a) {
			// No account has such an id: the service must not be asked,
			// lest a write create it.
			c.fail(w, r, http.StatusNotFound, "No such page: an account id is 12 digits.")
			return
		}
		var cr *sigv4.Credential
		if len(c.cfg.Credentials) > 0 {
			if cr = c.caller(r); cr == nil {
				if r.Method == http.MethodGet {
					http.Redirect(w, r, Prefix+"login", http.StatusSeeOther)
					return
				}
				c.fail(w, r, http.StatusUnauthorized, "Sign in first.")
				return
			}
			if a := r.PathValue("account"); a != "" && a != cr.Account {
				// Other accounts are not shown, nor said to exist.
				c.fail(w, r, http.StatusNotFound, "No such page.")
				return
			}
		}
		if r.Method == http.MethodPost && !c.checkCSRF(r) {
			c.fail(w, r, http.StatusForbidden, "The form is stale or was not sent from this console: reload the page and try again.")
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), callerKey{}, cr)))
	}
}

// callerOf is the signed-in caller; nil without credentials configured.
func callerOf(r *http.Request) *sigv4.Credential {
	cr, _ := r.Context().Value(callerKey{}).(*sigv4.Credential)
	return cr
}

// call is the context of a service call made for r, as the API would
// make it for operation op on namespace ns.
func call(r *http.Request, op, ns string) context.Context {
	return qslocal.WithCall(r.Context(), qslocal.Call{RequestID: qslocal.NewID(), Operation: op, Namespace: ns})
}

// view is what every page's template gets.
type view struct {
	Title     string
	Account   string
	Namespace string
	CSRF      string
	Caller    string // the signed-in caller's ARN; "" without credentials
	Auth      bool
	Error     string
	Data      any
}

func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, page, title string, data any) {
	v := view{Title: title, Account: r.PathValue("account"), Namespace: r.PathValue("namespace"), CSRF: c.csrf(r),
		Auth: len(c.cfg.Credentials) > 0, Data: data}
	if cr := callerOf(r); cr != nil {
		v.Caller = cr.ARN
		if v.Caller == "" {
			v.Caller = "arn:aws:iam::" + cr.Account + ":root"
		}
	}
	if s, ok := data.(string); ok && page != "login" {
		v.Error, v.Data = s, nil
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := c.pages[page].Execute(w, v); err != nil {
		c.cfg.Logger.Warn("console: rendering a page", "page", page, "err", err)
	}
}

// fail answers an error page.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, status int, msg string) {
	c.render(w, r, status, "error", "Error", msg)
}

// failErr answers the error a service call returned: its code and
// message for a domain error, else a message that leaks nothing.
func (c *Console) failErr(w http.ResponseWriter, r *http.Request, err error) {
	var e *qslocal.Error
	if !errors.As(err, &e) {
		c.cfg.Logger.Error("console: service call failed", "path", r.URL.Path, "err", err)
		c.fail(w, r, http.StatusInternalServerError, "The request failed; see qslocal's log.")
		return
	}
	status := http.StatusBadRequest
	switch e.Code {
	case qslocal.CodeResourceNotFound:
		status = http.StatusNotFound
	case qslocal.CodeAccessDenied:
		status = http.StatusForbidden
	case "ResourceExistsException", "PreconditionNotMetException", "ConflictException":
		status = http.StatusConflict
	}
	c.fail(w, r, status, e.Code+": "+e.Message)
}

// actionsFor lists the buttons a request in status st shows: the actions
// UpdateSelfUpgrade may take on it. The service decides anyway; a request
// decided meanwhile answers its error.
func actionsFor(st *api.SelfUpgradeRequestStatus) []string {
	switch *st {
	case api.SelfUpgradeRequestStatusPending:
		return []string{"APPROVE", "DENY"}
	case api.SelfUpgradeRequestStatusApproved:
		return []string{"VERIFY"}
	case api.SelfUpgradeRequestStatusUpdateFailed, api.SelfUpgradeRequestStatusVerifyFailed:
		return []string{"VERIFY", "DENY"}
	}
	return nil
}

// pathEscape escapes a name as one path segment (user names may hold "/").
func pathEscape(p *string) string { return url.PathEscape(*p) }

// has reports whether list holds s.
func has(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// millis writes a time in epoch milliseconds (as the API answers it).
func millis(p *int64) string {
	if p == nil {
		return ""
	}
	return time.UnixMilli(*p).UTC().Format("2006-01-02 15:04:05")
}

// ms writes a duration in milliseconds.
func ms(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
}
