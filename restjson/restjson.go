// Package restjson serves the generated api.Handler over HTTP the way AWS's
// rest-json protocol does: routes from the model, path and query binding,
// JSON bodies, validation, and AWS-shaped errors.
package restjson

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/api"
	"github.com/qslocal/qslocal/internal/shape"
)

// DefaultMaxBody bounds a request body; QuickSight's largest inputs
// (analysis and dashboard definitions) stay well below it.
const DefaultMaxBody = 20 << 20

// Config configures a Server.
type Config struct {
	Handler api.Handler
	Logger  *slog.Logger
	// MaxBody bounds a request body in bytes; 0 means DefaultMaxBody.
	MaxBody int64
	// MaxDecoded bounds the bytes one request's decoded input may hold;
	// 0 means DefaultMaxDecoded.
	MaxDecoded int64
	// LargeBody is the size past which a body is large (its decoded
	// input may take 8 times that before it is); 0 means DefaultLargeBody.
	LargeBody int64
	// LargeBodies bounds how many large bodies are read and served at
	// once; others wait. 0 means DefaultLargeBodies.
	LargeBodies int
	// NewRequestID makes request ids; nil means random UUIDs.
	NewRequestID func() string
	// RateLimit is the steady number of requests per second each account
	// may make (the burst is the same number); 0 means unlimited.
	RateLimit float64
	// Observer, when set, watches every request, for metrics.
	Observer Observer
	// Health, when set, serves GET /_qslocal/health (see health.go).
	Health *Health
	// Authenticate, when set, verifies every request's signature before
	// anything else, and each caller then acts in its own account only
	// (see auth.go).
	Authenticate Authenticator
	// Metrics, when set, serves GET /metrics, behind Authenticate.
	Metrics http.Handler
}

// Observer watches the requests a Server answers.
type Observer interface {
	// RequestStarted is called as a request arrives, and RequestFinished
	// once it is answered, each once per request.
	RequestStarted()
	RequestFinished(Outcome)
}

// Observers is an Observer that reports to each of its own, in order.
type Observers []Observer

// RequestStarted implements Observer.
func (os Observers) RequestStarted() {
	for _, o := range os {
		o.RequestStarted()
	}
}

// RequestFinished implements Observer.
func (os Observers) RequestFinished(out Outcome) {
	for _, o := range os {
		o.RequestFinished(out)
	}
}

// Outcome describes an answered request.
type Outcome struct {
	// Operation is the model's operation name, a qslocal one (such as
	// FileSelfUpgradeRequest or Health), or UnknownOperation.
	Operation string
	// Account is the account a valid request addresses; "" for one that
	// fails validation, lest bad input be reported as an account.
	Account   string
	RequestID string
	// Status is the HTTP status answered; 0 when no answer was written
	// (the handler panicked and net/http dropped the connection).
	Status int
	// ErrorCode is the AWS error code answered; "" on success.
	ErrorCode string
	Duration  time.Duration
}

// UnknownOperation is Outcome.Operation for a request that matches no
// operation.
const UnknownOperation = "Unknown"

// Server is an http.Handler for every operation of the model.
type Server struct {
	mux      *http.ServeMux
	cfg      Config
	codes    map[string]api.ErrorShape
	throttle *throttle
	faults   faults
	slots    chan struct{} // one per large body in flight (see budget)
	// names maps each operation's route pattern to its name, so that a
	// request refused before it is routed is still reported by operation.
	names map[string]string
}

// New builds a Server routing every operation in api.Operations.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxBody == 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.MaxDecoded == 0 {
		cfg.MaxDecoded = DefaultMaxDecoded
	}
	if cfg.LargeBody == 0 {
		cfg.LargeBody = DefaultLargeBody
	}
	if cfg.LargeBodies == 0 {
		cfg.LargeBodies = DefaultLargeBodies
	}
	if cfg.NewRequestID == nil {
		cfg.NewRequestID = qslocal.NewID
	}
	s := &Server{mux: http.NewServeMux(), cfg: cfg, codes: api.ErrorShapes, throttle: newThrottle(cfg.RateLimit),
		slots: make(chan struct{}, cfg.LargeBodies), names: make(map[string]string, len(api.Operations))}
	for i := range api.Operations {
		op := &api.Operations[i]
		h := s.operation(op)
		if p, ok := strings.CutSuffix(op.URI, "/"); ok {
			// A trailing slash alone would match a whole subtree, so it is
			// pinned with {$}; the path without it is taken too, or ServeMux
			// would redirect there.
			s.handleOperation(op.Method+" "+op.URI+"{$}", op.Name, h)
			s.handleOperation(op.Method+" "+p, op.Name, h)
			continue
		}
		s.handleOperation(op.Method+" "+op.URI, op.Name, h)
	}
	s.routeControl()
	s.routeAccess()
	if cfg.Health != nil {
		s.mux.HandleFunc("GET "+HealthPath, s.health)
	}
	if cfg.Metrics != nil {
		s.mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
			out := outcomeOf(r.Context())
			out.Operation, out.Status = "Metrics", http.StatusOK
			cfg.Metrics.ServeHTTP(w, r)
		})
	}
	s.mux.HandleFunc("/", s.unknownOperation)
	return s
}

func (s *Server) handleOperation(pattern, name string, h http.Handler) {
	s.mux.Handle(pattern, h)
	s.names[pattern] = name
}

// routedName is the name of the operation r would be routed to;
// UnknownOperation for a path of no operation.
func (s *Server) routedName(r *http.Request) string {
	_, pattern := s.mux.Handler(r)
	return cmp.Or(s.names[pattern], UnknownOperation)
}

func (s *Server) unknownOperation(w http.ResponseWriter, r *http.Request) {
	// r.URL.Path holds the client's escaped path (see ServeHTTP).
	s.writeError(r.Context(), w, requestIDOf(r), &qslocal.Error{
		Code:    CodeUnknownOperation,
		Message: fmt.Sprintf("No QuickSight operation matches %s %s.", r.Method, r.URL.Path),
	})
}

// ServeHTTP routes on the escaped path. ServeMux would otherwise clean the
// decoded path and redirect, breaking labels whose value holds "//" or
// "/../" (user names may contain "/"); shape.Path decodes each label.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	id := s.cfg.NewRequestID()
	out := &Outcome{Operation: UnknownOperation, RequestID: id}
	if s.cfg.Observer != nil {
		s.cfg.Observer.RequestStarted()
	}
	// Deferred so that a panicking handler is reported too.
	defer s.finish(r.Context(), out, start)
	u := *r.URL
	u.Path, u.RawPath = routingPath(r.URL.EscapedPath()), ""
	r2 := r.WithContext(context.WithValue(r.Context(), outcomeKey{}, out))
	r2.URL = &u
	// Set directly to keep AWS's spelling; Set would canonicalize it.
	w.Header()["x-amzn-RequestId"] = []string{id}
	if err := checkRegion(r2); err != nil {
		s.writeError(r2.Context(), w, id, err)
		return
	}
	if s.cfg.Authenticate != nil {
		var ok bool
		if r2, ok = s.authenticate(w, r, r2); !ok {
			return
		}
		// The body read to verify it is charged until the answer is written.
		defer budgetOf(r2.Context()).release()
	}
	if strings.Contains(u.Path, "//") {
		// An empty segment matches no route, and ServeMux would redirect.
		s.unknownOperation(w, r2)
		return
	}
	s.mux.ServeHTTP(w, r2)
}

// accountOf is the account a validated request addresses: its account
// label (one operation spells it awsAccountId), or for the tag operations
// the account of the resource ARN.
func accountOf(r *http.Request) string {
	for _, label := range []string{"AwsAccountId", "awsAccountId", "ResourceArn"} {
		v := shape.Path(r, label)
		if v == nil {
			continue
		}
		if label == "ResourceArn" {
			a, _ := qslocal.ParseARN(*v)
			return a.Account
		}
		return *v
	}
	return ""
}

// routingPath hides "." and ".." segments (names SDKs send unescaped)
// from ServeMux's path cleaning by escaping them; labels are decoded later.
func routingPath(escaped string) string {
	if !strings.Contains(escaped, "/.") {
		return escaped
	}
	segs := strings.Split(escaped, "/")
	for i, seg := range segs {
		if seg == "." || seg == ".." {
			segs[i] = strings.ReplaceAll(seg, ".", "%2E")
		}
	}
	return strings.Join(segs, "/")
}

// finish logs a request's outcome, one line each, and reports it.
func (s *Server) finish(ctx context.Context, out *Outcome, start time.Time) {
	out.Duration = time.Since(start)
	s.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "request",
		slog.String("operation", out.Operation), slog.String("account", out.Account),
		slog.Int("status", out.Status), slog.String("code", out.ErrorCode),
		slog.Duration("latency", out.Duration), slog.String("request_id", out.RequestID))
	if s.cfg.Observer != nil {
		s.cfg.Observer.RequestFinished(*out)
	}
}

// outcomeKey keys the request's *Outcome in its context, which the
// handlers fill in as they learn the operation, account and answer.
type outcomeKey struct{}

// outcomeOf is ctx's Outcome; a throwaway one outside ServeHTTP.
func outcomeOf(ctx context.Context) *Outcome {
	if out, ok := ctx.Value(outcomeKey{}).(*Outcome); ok {
		return out
	}
	return new(Outcome)
}

func requestIDOf(r *http.Request) string {
	return outcomeOf(r.Context()).RequestID
}

func (s *Server) operation(op *api.Operation) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := requestIDOf(r)
		outcomeOf(r.Context()).Operation = op.Name
		ctx := qslocal.WithCall(r.Context(), qslocal.Call{RequestID: id, Region: signedRegion(r)})
		if err := s.ownAccount(r, op); err != nil {
			s.writeErrorStatus(ctx, w, id, err, authStatus)
			return
		}
		// Faults strike before anything is read, as AWS's throttling does.
		if err := s.inject(ctx, op.Name, accountOf(r)); err != nil {
			s.writeError(ctx, w, id, err)
			return
		}
		in := op.NewInput()
		b := budgetOf(ctx) // the body authenticate read, if it did
		if b == nil {
			b = s.newBudget(ctx, w, r.Body)
		}
		// The decoded input lives until the answer is written.
		defer b.release()
		if err := decodeBody(r, in, b); err != nil {
			s.writeError(ctx, w, id, err)
			return
		}
		var v shape.Validator
		query, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			v.Add("query string", shape.Show(r.URL.RawQuery, false), "Must be a valid URL query: "+err.Error())
		}
		checkText(&v, r, query)
		in.BindHTTP(r, &v)
		// A caller without the right learns nothing of the input's rules.
		if err := s.authorize(ctx, op, in); err != nil {
			s.writeErrorStatus(ctx, w, id, err, authStatus)
			return
		}
		in.Validate(&v)
		if err := v.Err(); err != nil {
			s.writeError(ctx, w, id, err)
			return
		}
		// Throttle on the validated account, so that neither bad input nor
		// another spelling of the account makes buckets.
		account := accountOf(r)
		outcomeOf(ctx).Account = account
		call := qslocal.CallFrom(ctx)
		call.Operation = op.Name
		if ns := shape.Path(r, "Namespace"); ns != nil {
			call.Namespace = *ns
		}
		ctx = qslocal.WithCall(ctx, call)
		if !s.throttle.allow(account) {
			s.writeError(ctx, w, id, &qslocal.Error{Code: qslocal.CodeThrottling, Message: "Rate exceeded."})
			return
		}
		out, err := op.Call(ctx, s.cfg.Handler, in)
		if err == nil && out == nil {
			err = fmt.Errorf("%s returned no output and no error", op.Name)
		}
		err = declared(op, err)
		if err != nil {
			s.writeError(ctx, w, id, err)
			return
		}
		status := SuccessStatus(op)
		out.SetResponseMeta(id, int32(status))
		s.writeJSON(ctx, w, status, out)
	})
}

// checkText rejects path labels and query values that are not valid UTF-8
// or hold a NUL: no store keeps such names faithfully (PostgreSQL refuses
// them), and JSON bodies cannot carry them either (see decodeJSON).
func checkText(v *shape.Validator, r *http.Request, query url.Values) {
	bad := func(s string) bool { return !utf8.ValidString(s) || strings.ContainsRune(s, 0) }
	for _, seg := range strings.Split(r.URL.Path, "/") {
		if d, err := url.PathUnescape(seg); err == nil && bad(d) {
			v.Add("path", shape.Show(seg, false), "Path labels must be valid UTF-8 without NUL characters")
		}
	}
	for key, values := range query {
		for _, val := range values {
			if bad(key) || bad(val) {
				v.Add(key, shape.Show(url.QueryEscape(val), false), "Query values must be valid UTF-8 without NUL characters")
			}
		}
	}
}

// declared keeps errors typeable: SDKs type only the errors an operation's
// model lists, and some listings (ListUserGroups, ListCustomPermissions, ...)
// do not list InvalidNextTokenException. There a bad token is answered as
// the bad parameter it is.
func declared(op *api.Operation, err error) error {
	var e *qslocal.Error
	if !errors.As(err, &e) || e.Code != qslocal.CodeInvalidNextToken || slices.Contains(op.Errors, e.Code) {
		return err
	}
	return &qslocal.Error{Code: qslocal.CodeInvalidParameterValue, Message: "NextToken: " + e.Message}
}

// decodeBody reads the JSON body into in. An empty body is an empty object;
// members the model does not know are ignored, as AWS does.
func decodeBody(r *http.Request, in api.Input, b *budget) error {
	if r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	return decodeJSON(b, in, b)
}

func invalid(msg string) error {
	return &qslocal.Error{Code: qslocal.CodeInvalidParameterValue, Message: msg}
}
