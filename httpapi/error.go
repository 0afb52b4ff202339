package httpapi

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/jirga/jirga"
)

// Error codes of the HTTP layer beside jirga's own.
const (
	eUnauthorized = "unauthorized"
	eForbidden    = "forbidden"
	eUnsupported  = "unsupported_media_type"
	eTooLarge     = "too_large"
	eOverBudget   = "over_budget"
	eBusy         = "busy"
	eDamaged      = "damaged" // a stored record that cannot be read back
)

// statusCodes maps error codes to HTTP status codes.
var statusCodes = map[string]int{
	jirga.EINVALID:  http.StatusBadRequest,
	jirga.ENOTFOUND: http.StatusNotFound,
	jirga.ECONFLICT: http.StatusConflict,
	jirga.EINTERNAL: http.StatusInternalServerError,
	eUnauthorized:   http.StatusUnauthorized,
	eForbidden:      http.StatusForbidden,
	eUnsupported:    http.StatusUnsupportedMediaType,
	eTooLarge:       http.StatusRequestEntityTooLarge,
	eOverBudget:     http.StatusUnprocessableEntity,
	eBusy:           http.StatusServiceUnavailable,
	eDamaged:        http.StatusInternalServerError,
}

// Bounds of what an error response repeats: a message, and the number of
// problems listed. A request can hold megabytes of ids and options; the
// answer names what is wrong without echoing all of it.
const (
	maxMessage  = 1000
	maxProblems = 100
	// maxEcho bounds a value quoted back in a message.
	maxEcho = 64
)

// problem is one jirga.ValidationError as JSON.
type problem struct {
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Path    string `json:"path,omitempty"`
	Actor   string `json:"actor,omitempty"`
	Issue   string `json:"issue,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
	// Text is the whole message as the CLI prints it.
	Text string `json:"text"`
}

// problems returns the first maxProblems of ves as JSON, and the number of
// the others.
func problems(ves []*jirga.ValidationError) (out []problem, omitted int) {
	for i, ve := range ves {
		if i == maxProblems {
			return out, len(ves) - maxProblems
		}
		out = append(out, problem{
			File: clip(ve.File, maxEcho), Line: ve.Line, Path: clip(ve.Path, maxMessage), Actor: clip(ve.Actor, maxEcho),
			Issue: clip(ve.Issue, maxEcho), Field: clip(ve.Field, maxEcho), Message: clip(ve.Msg, maxMessage), Text: clip(ve.Error(), maxMessage),
		})
	}
	return out, 0
}

// errorBody is the JSON of every error response.
type errorBody struct {
	Error struct {
		Code     string    `json:"code"`
		Message  string    `json:"message"`
		Problems []problem `json:"problems,omitempty"`
		// Omitted counts the problems beyond the first maxProblems.
		Omitted int `json:"omitted_problems,omitempty"`
	} `json:"error"`
}

// Error writes err as JSON with the status code of its error code. Internal
// errors are logged and hidden from the client; other messages are bounded
// in length.
func (s *Server) Error(w http.ResponseWriter, r *http.Request, err error) {
	var body errorBody
	code := jirga.ErrorCode(err)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		code = eTooLarge
	}
	var he *httpError
	if errors.As(err, &he) {
		code = he.code
	}
	body.Error.Code = code
	body.Error.Message = clip(err.Error(), maxMessage)
	switch code {
	case jirga.EINTERNAL:
		s.logger().Error("internal error", slog.String("method", r.Method), slog.String("path", clip(r.URL.Path, maxMessage)), slog.Any("err", err))
		body.Error.Message = "internal error (the server's log has the details)"
	case eTooLarge:
		body.Error.Message = "request body too large"
		if mbe != nil {
			body.Error.Message = fmt.Sprintf("request body too large: the limit is %d bytes", mbe.Limit)
		}
	}
	if ves := jirga.ValidationErrors(err); len(ves) > 0 {
		body.Error.Message = "the scenario has problems"
		if len(ves) == 1 {
			body.Error.Message = "the scenario has a problem"
		}
		body.Error.Problems, body.Error.Omitted = problems(ves)
	}
	status, ok := statusCodes[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if code == eUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="jirga"`)
	}
	writeJSON(w, status, body)
}

// httpError is an error with one of the HTTP layer's own codes.
type httpError struct {
	code, msg string
}

func (e *httpError) Error() string { return e.msg }

// clip returns s cut to at most n bytes on a rune boundary, saying how long
// it was when it was cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:cutAt(s, n)] + "… (" + strconv.Itoa(len(s)) + " bytes in all)"
}

// echo quotes a value from a request for a message, cut to maxEcho bytes.
func echo(v string) string {
	if len(v) <= maxEcho {
		return strconv.Quote(v)
	}
	return strconv.Quote(v[:cutAt(v, maxEcho)]) + "… (" + strconv.Itoa(len(v)) + " bytes)"
}

// cutAt returns the largest rune boundary of s at or before n.
func cutAt(s string, n int) int {
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return n
}
