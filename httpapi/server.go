package httpapi

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/ui"
)

// Defaults of the Server settings.
const (
	DefaultWorkers      = 2
	DefaultMaxQueue     = 1024
	DefaultMaxBody      = 4 << 20
	DefaultRunWait      = 10 * time.Second
	DefaultGrace        = 5 * time.Second
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
	// on every request that writes (any method but GET and HEAD).
	Token string
	// Workers is the number of runs computed at once; default DefaultWorkers.
	Workers int
	// MaxQueue bounds the runs waiting for a worker; beyond it POST
	// /api/runs answers 503. Default DefaultMaxQueue.
	MaxQueue int
	// MaxBody bounds JSON request bodies in bytes; default DefaultMaxBody.
	// Imports may be as large as format.MaxSize.
	MaxBody int64
	// RunWait is how long POST /api/runs waits for a run to finish before
	// answering 202 with the queued run; default DefaultRunWait.
	RunWait time.Duration
	// Grace is how long Close lets running runs finish before it cancels
	// them and leaves them queued for the next start; default DefaultGrace.
	Grace time.Duration
	// Logger receives internal errors and lifecycle messages; default none.
	Logger *slog.Logger

	ln     net.Listener
	srv    *http.Server
	runner *runner
	served chan error
}

func (s *Server) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

func (s *Server) defaults() {
	if s.Addr == "" {
		s.Addr = "127.0.0.1:0"
	}
	if s.Workers <= 0 {
		s.Workers = DefaultWorkers
	}
	if s.MaxQueue <= 0 {
		s.MaxQueue = DefaultMaxQueue
	}
	if s.MaxBody <= 0 {
		s.MaxBody = DefaultMaxBody
	}
	if s.RunWait <= 0 {
		s.RunWait = DefaultRunWait
	}
	if s.Grace <= 0 {
		s.Grace = DefaultGrace
	}
}

// Open starts the workers, resumes the runs left queued or running in the
// store, and starts listening on Addr.
func (s *Server) Open(ctx context.Context) error {
	if s.Store == nil {
		return errors.New("httpapi: Server.Store is nil")
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

// start starts the runner without listening; used by Open and by tests of
// the handler alone.
func (s *Server) start(ctx context.Context) error {
	s.defaults()
	s.runner = newRunner(s.Store, s.Workers, s.MaxQueue, s.logger())
	return s.runner.resume(ctx)
}

// URL returns the server's base URL, e.g. http://127.0.0.1:8080.
func (s *Server) URL() string {
	if s.ln == nil {
		return ""
	}
	return "http://" + s.ln.Addr().String()
}

// Close stops accepting requests, waits for the requests in flight, lets
// running runs finish for up to Grace, and leaves the other runs queued in
// the store, to be resumed by the next Open.
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
	if s.runner != nil {
		s.runner.stop(s.Grace)
	}
	return err
}

// Handler returns the server's routes with authentication, body limits and
// security headers. Open must have been called, or start for tests.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.handleHealth)
	s.registerScenarioRoutes(mux)
	s.registerRunRoutes(mux)
	mux.HandleFunc("GET /api/models", s.handleModels)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.Error(w, r, jirga.Errorf(jirga.ENOTFOUND, "no API route %s %s", r.Method, r.URL.Path))
	})
	mux.Handle("GET /{$}", ui.Handler())
	mux.Handle("GET /assets/", ui.Handler())
	return s.middleware(mux)
}

func (s *Server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		if r.Method != http.MethodGet && r.Method != http.MethodHead && s.Token != "" {
			got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(s.Token)) != 1 {
				s.Error(w, r, &httpError{eUnauthorized, "this server needs a token to write: send Authorization: Bearer TOKEN"})
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	if _, err := s.Store.FindRuns(r.Context(), jirga.RunFilter{Limit: 1}); err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "version": jirga.Version, "kinds": kindNames()})
}

// writeJSON writes v as JSON with the status code.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// decodeJSON reads a JSON body of at most MaxBody bytes into v, rejecting
// unknown fields and trailing data.
func (s *Server) decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	r.Body = http.MaxBytesReader(w, r.Body, s.MaxBody)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		if errors.Is(err, io.EOF) {
			return jirga.Errorf(jirga.EINVALID, "request body is empty; it must be a JSON object")
		}
		return jirga.Errorf(jirga.EINVALID, "request body: %w", err)
	}
	if dec.More() {
		return jirga.Errorf(jirga.EINVALID, "request body: unexpected data after the JSON object")
	}
	return nil
}

// router is where routes are registered: an *http.ServeMux, or a recorder
// in tests.
type router interface {
	HandleFunc(pattern string, handler func(http.ResponseWriter, *http.Request))
}
