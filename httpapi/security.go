package httpapi

import (
	"crypto/subtle"
	"fmt"
	"mime"
	"net"
	"net/http"
	"strings"
)

// AnyHost in Server.Hosts serves every Host header: for a server behind a
// reverse proxy that checks host names itself.
const AnyHost = "*"

// middleware applies the checks every request passes, in order: the Host
// header (against DNS rebinding), the origin of writes (against forged
// cross-site requests), the content type of writes, and the token. Then it
// sets the security headers and serves the request.
func (s *Server) middleware(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	for _, o := range s.Origins {
		// Checked by Open; a bad origin here is only possible in tests.
		if err := cop.AddTrustedOrigin(o); err != nil {
			s.logger().Error("ignoring a trusted origin", "origin", o, "err", err)
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		if !s.hostAllowed(r.Host) {
			s.Error(w, r, &httpError{eForbidden, fmt.Sprintf("this server does not answer to the host name %s; to allow it, start jirga serve with --host and that name (see docs/security.md)",
				echo(hostOnly(r.Host)))})
			return
		}
		if err := cop.Check(r); err != nil {
			s.Error(w, r, &httpError{eForbidden, "cross-origin request refused: a page from another site may not write to this server (a proxy's public origin can be trusted with jirga serve --origin)"})
			return
		}
		if !safeMethod(r.Method) {
			if err := checkWriteContentType(r); err != nil {
				s.Error(w, r, err)
				return
			}
		}
		if err := s.authorize(r); err != nil {
			s.Error(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// hostAllowed reports whether the server answers to host (a Host header,
// with or without a port). IP literals are always served: a DNS rebinding
// attack needs a name the attacker controls, and a page whose origin is an
// IP address is that address. Names are served when they are localhost or
// listed in Hosts.
func (s *Server) hostAllowed(host string) bool {
	h := hostOnly(host)
	if h == "" || h == "localhost" || net.ParseIP(h) != nil {
		return true
	}
	for _, a := range s.Hosts {
		if a == AnyHost || strings.EqualFold(strings.TrimSuffix(a, "."), h) {
			return true
		}
	}
	return false
}

// hostOnly returns the host of a Host header, lower case, without port,
// brackets or a trailing dot.
func hostOnly(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	return strings.ToLower(strings.TrimSuffix(host, "."))
}

// formTypes are the content types a cross-site HTML form (or a fetch in
// no-cors mode) can send without the browser asking the server first.
var formTypes = []string{"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}

// checkWriteContentType refuses a write whose body has a type an HTML form
// can send: every write endpoint takes JSON or a file upload, and a page on
// another site can only forge a request with these types.
func checkWriteContentType(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return nil // no body type: the endpoint decides (JSON endpoints require one)
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return &httpError{eUnsupported, fmt.Sprintf("Content-Type %s is not a media type", echo(ct))}
	}
	for _, f := range formTypes {
		if mt == f {
			return &httpError{eUnsupported, fmt.Sprintf("Content-Type %s is not accepted: send JSON as application/json, and files to POST /api/import as application/octet-stream", mt)}
		}
	}
	return nil
}

// requireJSON refuses a body that is not declared JSON.
func requireJSON(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json")) {
		return nil
	}
	if ct == "" {
		return &httpError{eUnsupported, "the body must be JSON sent with Content-Type: application/json"}
	}
	return &httpError{eUnsupported, fmt.Sprintf("Content-Type %s is not accepted: the body must be JSON sent with Content-Type: application/json", echo(ct))}
}

// authorize checks the bearer token of requests to the API. With a Token,
// every API request needs it, or ReadToken for reads; the web UI's page and
// assets, which hold no data, and /healthz stay open.
func (s *Server) authorize(r *http.Request) error {
	if s.Token == "" || !strings.HasPrefix(r.URL.Path, "/api/") {
		return nil
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if ok && tokenEqual(got, s.Token) {
		return nil
	}
	if ok && safeMethod(r.Method) && s.ReadToken != "" && tokenEqual(got, s.ReadToken) {
		return nil
	}
	if ok && s.ReadToken != "" && tokenEqual(got, s.ReadToken) {
		return &httpError{eUnauthorized, "the read token does not allow writes: send the server's token as Authorization: Bearer TOKEN"}
	}
	return &httpError{eUnauthorized, "this server needs a token: send Authorization: Bearer TOKEN"}
}

func tokenEqual(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}
