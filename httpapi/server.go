package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/kinds"
	"github.com/jirga/jirga/queue"
	"github.com/jirga/jirga/ui"
)

// Defaults of the Server settings. The budgets suit a server with 2 cores
// and 4 GB of memory: two workers each running a run of up to
// DefaultMaxRunMemory, the scenario cache, and imports of up to 32 MiB.
// The queue's are package queue's.
const (
	DefaultWorkers      = queue.DefaultWorkers
	DefaultMaxQueue     = queue.DefaultMaxQueue
	DefaultMaxBody      = 4 << 20
	DefaultRunWait      = 10 * time.Second
	DefaultGrace        = queue.DefaultGrace
	DefaultMaxRunMemory = 1 << 30
	DefaultMaxRunTime   = queue.DefaultMaxRunTime
	DefaultMaxRunCPU    = 4 * time.Hour
	DefaultMaxResumes   = queue.DefaultMaxResumes
	DefaultCacheBytes   = queue.DefaultCacheBytes
	DefaultRecoverEvery = queue.DefaultRecoverEvery
	defaultReadHeader   = 5 * time.Second
	defaultReadTimeout  = 60 * time.Second
	defaultWriteTimeout = 2 * time.Minute
	defaultIdleTimeout  = 2 * time.Minute
)

// Server is the jirga HTTP server. Set its fields, then call Open; the zero
// value of every field but Store works.
type Server struct {
	// Addr is the address to listen on, e.g. "127.0.0.1:8080"; port 0 picks
	// a free port (see URL). Default "127.0.0.1:0".
	Addr string
	// Store keeps scenarios and runs. The server does not close it.
	Store jirga.Store
	// Token, when set, must be presented as "Authorization: Bearer TOKEN"
	// on every API request, reads included.
	Token string
	// ReadToken, when set beside Token, is a second token that allows
	// reads (GET and HEAD) only.
	ReadToken string
	// Hosts are the host names, beside localhost and IP addresses, that
	// the server answers to; a request with another Host header is refused
	// (against DNS rebinding). AnyHost allows every name.
	Hosts []string
	// Origins are origins (scheme://host[:port]) whose pages may write to
	// the server even though they differ from the Host the server sees,
	// e.g. the public URL of a reverse proxy that rewrites Host.
	Origins []string
	// Workers is the number of runs (or parts of runs) this server
	// computes at once; default DefaultWorkers; negative computes none (an
	// API-only replica). Other servers and jirga
	// worker processes on the same database compute runs too.
	Workers int
	// MaxQueue bounds the runs accepted and not finished (queued or
	// running) on the database; beyond it POST /api/runs answers 503.
	// Default DefaultMaxQueue.
	MaxQueue int
	// MaxBody bounds JSON request bodies in bytes; default DefaultMaxBody.
	// Imports may be as large as format.MaxSize.
	MaxBody int64
	// RunWait is how long POST /api/runs waits for a run to finish before
	// answering 202 with the queued run; default DefaultRunWait.
	RunWait time.Duration
	// Grace is how long Close lets running runs finish before it cancels
	// them and hands them back, queued for another server or worker, or
	// the next start; default DefaultGrace.
	Grace time.Duration
	// MaxRunMemory is the memory, in bytes, a run may need by its estimate
	// (package cost); a run estimated to need more is refused with 422.
	// Default DefaultMaxRunMemory.
	MaxRunMemory int64
	// MaxRunTime is the CPU time a run, or each part of a run cut into
	// parts, may need by its estimate, and the wall time it may run: a run
	// estimated to need more is refused with 422, and a run (or part)
	// still running after MaxRunTime is stopped and failed. Default
	// DefaultMaxRunTime.
	MaxRunTime time.Duration
	// MaxRunCPU is the CPU time a run cut into parts may need in all by
	// its estimate; default DefaultMaxRunCPU.
	MaxRunCPU time.Duration
	// MaxResumes is how many times a run (or part) left running by a
	// process that stopped without finishing it (a crash, a kill, out of
	// memory) is resumed; the next time it is failed with the reason.
	// Default DefaultMaxResumes; a negative value means never resume such
	// a run.
	MaxResumes int
	// CacheBytes bounds the memory of the decoded scenario versions kept
	// for runs; default DefaultCacheBytes.
	CacheBytes int64
	// RecoverEvery is how often the server looks in the store for runs
	// and parts no live job computes and takes them up; default
	// DefaultRecoverEvery.
	RecoverEvery time.Duration
	// Queue holds the other settings of the queue the runs go through
	// (retries, rescue, heartbeats, parts; see queue.Config); the fields
	// above, when set, take precedence over its own.
	Queue queue.Config
	// Logger receives internal errors and lifecycle messages; default none.
	Logger *slog.Logger

	ln      net.Listener
	srv     *http.Server
	queue   *queue.Queue
	health  *storeHealth
	imports chan struct{} // one import decodes at a time
	served  chan error
}

func (s *Server) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

// defaults applies the defaults of the server's own settings; the queue's
// (Workers, MaxQueue, Grace, MaxResumes, CacheBytes, RecoverEvery) are
// applied by package queue.
func (s *Server) defaults() {
	if s.Addr == "" {
		s.Addr = "127.0.0.1:0"
	}
	if s.MaxBody <= 0 {
		s.MaxBody = DefaultMaxBody
	}
	if s.RunWait <= 0 {
		s.RunWait = DefaultRunWait
	}
	if s.MaxRunMemory <= 0 {
		s.MaxRunMemory = DefaultMaxRunMemory
	}
	if s.MaxRunTime <= 0 {
		s.MaxRunTime = DefaultMaxRunTime
	}
	if s.MaxRunCPU <= 0 {
		s.MaxRunCPU = DefaultMaxRunCPU
	}
}

// check validates the settings that can be wrong.
func (s *Server) check() error {
	if s.Store == nil {
		return errors.New("httpapi: Server.Store is nil")
	}
	if s.ReadToken != "" && s.Token == "" {
		return errors.New("httpapi: a read token needs a token for writes beside it")
	}
	cop := http.NewCrossOriginProtection()
	for _, o := range s.Origins {
		if err := cop.AddTrustedOrigin(o); err != nil {
			return fmt.Errorf("httpapi: trusted origin %q: %w", o, err)
		}
	}
	return nil
}

// Open starts the workers, resumes the runs left queued or running in the
// store, and starts listening on Addr.
func (s *Server) Open(ctx context.Context) error {
	if err := s.check(); err != nil {
		return err
	}
	s.defaults()
	ln, err := net.Listen("tcp", s.Addr)
	if err != nil {
		return err
	}
	if err := s.start(ctx); err != nil {
		ln.Close()
		return err
	}
	s.ln = ln
	s.srv = &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: defaultReadHeader,
		ReadTimeout:       defaultReadTimeout,
		WriteTimeout:      defaultWriteTimeout,
		IdleTimeout:       defaultIdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.logger().Handler(), slog.LevelWarn),
	}
	s.served = make(chan error, 1)
	go func() { s.served <- s.srv.Serve(ln) }()
	s.logger().Info("listening", slog.String("url", s.URL()))
	return nil
}

// start starts the queue without listening; used by Open and by tests of
// the handler alone.
func (s *Server) start(ctx context.Context) error {
	if err := s.check(); err != nil {
		return err
	}
	s.defaults()
	s.health = &storeHealth{}
	s.imports = make(chan struct{}, 1)
	// Every store operation, the handlers' and the queue's, goes through
	// the watch that /healthz reports on.
	s.Store = watchStore(s.Store, s.health, s.logger())
	cfg := s.Queue
	cfg.Role, cfg.MaxRunTime = "serve", s.MaxRunTime
	setIf(&cfg.Workers, s.Workers)
	setIf(&cfg.MaxQueue, s.MaxQueue)
	setIf(&cfg.MaxResumes, s.MaxResumes)
	setIf(&cfg.RecoverEvery, s.RecoverEvery)
	setIf(&cfg.CacheBytes, s.CacheBytes)
	setIf(&cfg.Grace, s.Grace)
	cfg.Admit, cfg.Logger = s.admit, s.logger()
	cfg.StoreError = func(string, error) { s.health.failed(time.Now()) }
	q, err := queue.Open(ctx, s.Store, cfg)
	if err != nil {
		return err
	}
	s.queue = q
	return nil
}

// setIf sets *dst to v unless v is zero: the Server's fields take
// precedence over the Queue's when set.
func setIf[T comparable](dst *T, v T) {
	var zero T
	if v != zero {
		*dst = v
	}
}

// URL returns the server's base URL, e.g. http://127.0.0.1:8080.
func (s *Server) URL() string {
	if s.ln == nil {
		return ""
	}
	return "http://" + s.ln.Addr().String()
}

// Close stops accepting requests, waits for the requests in flight, lets
// running runs finish for up to Grace, and hands the others back, queued
// in the store for other servers and workers or the next Open.
func (s *Server) Close() error {
	var err error
	if s.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), s.RunWait+5*time.Second)
		err = s.srv.Shutdown(ctx)
		cancel()
		if serr := <-s.served; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
			err = serr
		}
	}
	if s.queue != nil {
		if qerr := s.queue.Close(); qerr != nil && err == nil {
			err = qerr
		}
	}
	return err
}

// Handler returns the server's routes with authentication, body limits and
// security headers. Open must have been called, or start for tests.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	s.registerInfoRoutes(mux)
	s.registerScenarioRoutes(mux)
	s.registerRunRoutes(mux)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.Error(w, r, jirga.Errorf(jirga.ENOTFOUND, "no API route %s %s", r.Method, r.URL.Path))
	})
	mux.Handle("GET /{$}", ui.Handler())
	mux.Handle("GET /assets/", ui.Handler())
	return s.middleware(mux)
}

// handleHealth answers 200 when the store answers, with "status" "ok", or
// "degraded" when store operations failed recently or damaged runs were
// found (the details are in the server's log), and 503 "unavailable" when
// the store does not answer now; "queue" is the state of the run queue
// (runs queued and running, River's jobs by state, live workers, River's
// leader). It needs no token, so that a load balancer can call it, and
// says nothing beyond that.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	body := map[string]any{"status": "ok", "version": jirga.Version, "kinds": kinds.Names()}
	status := http.StatusOK
	if _, err := s.Store.FindRuns(r.Context(), jirga.RunFilter{Limit: 1}); err != nil {
		status = http.StatusServiceUnavailable
		body["status"] = "unavailable"
	} else if h, err := s.queue.Health(r.Context()); err != nil {
		s.logger().Error("queue health", slog.Any("err", err))
		status = http.StatusServiceUnavailable
		body["status"] = "unavailable"
	} else {
		body["queue"] = h
	}
	if st := s.health.report(time.Now()); st != nil {
		if status == http.StatusOK {
			body["status"] = "degraded"
		}
		body["store"] = st
	}
	writeJSON(w, status, body)
}

// registerInfoRoutes registers the routes about the server itself.
func (s *Server) registerInfoRoutes(mux router) {
	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.HandleFunc("GET /api/models", s.handleModels)
	mux.HandleFunc("GET /api/workers", s.handleWorkers)
}

// handleWorkers lists the live processes computing runs on the database:
// jirga serve replicas and jirga worker processes.
func (s *Server) handleWorkers(w http.ResponseWriter, r *http.Request) {
	ws, err := s.queue.Workers(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"workers": ws})
}

// writeJSON writes v as JSON with the status code. It encodes before it
// writes the status, so that a value that cannot be encoded is a 500 with
// a body, never a 200 with an empty one.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
		b.Reset()
		b.WriteString(`{"error":{"code":"internal","message":"internal error: the answer could not be encoded"}}` + "\n")
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// decodeJSON reads a JSON body of at most MaxBody bytes into v, rejecting
// other content types, unknown fields and trailing data. Its messages name
// the field and the JSON type wanted, never a Go type.
func (s *Server) decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if err := requireJSON(r); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.MaxBody)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return jirga.Errorf(jirga.EINVALID, "request body: unexpected data after the JSON object")
	}
	return nil
}

// jsonError turns a decoding error into a message about the request.
func jsonError(err error) error {
	var mbe *http.MaxBytesError
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &mbe):
		return err
	case errors.Is(err, io.EOF):
		return jirga.Errorf(jirga.EINVALID, "request body is empty; it must be a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return jirga.Errorf(jirga.EINVALID, "request body: the JSON ends too early")
	case errors.As(err, &syn):
		return jirga.Errorf(jirga.EINVALID, "request body: not JSON at byte %d: %s", syn.Offset, strings.TrimPrefix(syn.Error(), "json: "))
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return jirga.Errorf(jirga.EINVALID, "request body: want %s, got %s", jsonKind(typ.Type), typ.Value)
		}
		return jirga.Errorf(jirga.EINVALID, "request body: field %s: want %s, got %s", echo(field), jsonKind(typ.Type), typ.Value)
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if f, ok := strings.CutPrefix(msg, "unknown field "); ok {
		f, _ = strconv.Unquote(f)
		return jirga.Errorf(jirga.EINVALID, "request body: unknown field %s", echo(f))
	}
	return jirga.Errorf(jirga.EINVALID, "request body: %s", clip(msg, maxMessage))
}

// jsonKind names the JSON a Go type decodes from.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "a whole number"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number ≥ 0"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list of " + strings.TrimPrefix(strings.TrimPrefix(jsonKind(t.Elem()), "a "), "an ") + "s"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return "another value"
}

// router is where routes are registered: an *http.ServeMux, or a recorder
// in tests.
type router interface {
	HandleFunc(pattern string, handler func(http.ResponseWriter, *http.Request))
}
