package httpapi

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/jirga/jirga"
)

// Error codes of the HTTP layer beside jirga's own.
const (
	eUnauthorized = "unauthorized"
	eTooLarge     = "too_large"
	eBusy         = "busy"
)

// statusCodes maps error codes to HTTP status codes.
var statusCodes = map[string]int{
	jirga.EINVALID:  http.StatusBadRequest,
	jirga.ENOTFOUND: http.StatusNotFound,
	jirga.ECONFLICT: http.StatusConflict,
	jirga.EINTERNAL: http.StatusInternalServerError,
	eUnauthorized:   http.StatusUnauthorized,
	eTooLarge:       http.StatusRequestEntityTooLarge,
	eBusy:           http.StatusServiceUnavailable,
}

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

// errorBody is the JSON of every error response.
type errorBody struct {
	Error struct {
		Code     string    `json:"code"`
		Message  string    `json:"message"`
		Problems []problem `json:"problems,omitempty"`
	} `json:"error"`
}

// Error writes err as JSON with the status code of its error code. Internal
// errors are logged and hidden from the client.
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
	body.Error.Message = err.Error()
	switch code {
	case jirga.EINTERNAL:
		s.logger().Error("internal error", slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("err", err))
		body.Error.Message = "internal error"
	case eTooLarge:
		body.Error.Message = "request body too large"
	}
	if ves := jirga.ValidationErrors(err); len(ves) > 0 {
		body.Error.Message = "the scenario has problems"
		if len(ves) == 1 {
			body.Error.Message = "the scenario has a problem"
		}
		for _, ve := range ves {
			body.Error.Problems = append(body.Error.Problems, problem{
				File: ve.File, Line: ve.Line, Path: ve.Path, Actor: ve.Actor, Issue: ve.Issue,
				Field: ve.Field, Message: ve.Msg, Text: ve.Error(),
			})
		}
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
