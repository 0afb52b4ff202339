package jirga

import (
	"errors"
	"fmt"
	"strings"
)

// Error codes, after the codes of a well-behaved web service: each maps to
// an exit status in the CLI and a status code in the HTTP API.
const (
	EINVALID  = "invalid"   // bad input: exit status 2, HTTP 400
	ENOTFOUND = "not_found" // unknown id: HTTP 404
	ECONFLICT = "conflict"  // HTTP 409
	EINTERNAL = "internal"  // a bug or an outage: HTTP 500
)

// Error is an error meant for the user.
type Error struct {
	Code    string
	Message string
	// Err is the cause, when there is one: errors.Is and errors.As see it
	// through Unwrap. Message already says what it says.
	Err error
}

func (e *Error) Error() string { return e.Message }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and the message of
// fmt.Errorf(format, args...); an argument formatted with %w is the cause,
// which errors.Is and errors.As find, as with fmt.Errorf.
func Errorf(code, format string, args ...any) *Error {
	w := fmt.Errorf(format, args...)
	e := &Error{Code: code, Message: w.Error()}
	switch w.(type) {
	case interface{ Unwrap() error }, interface{ Unwrap() []error }:
		e.Err = w
	}
	return e
}

// ErrorCode returns the code of the first *Error or *ValidationError in
// err's tree, EINTERNAL for any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	var v *ValidationError
	if errors.As(err, &v) {
		return EINVALID
	}
	return EINTERNAL
}

// ValidationError locates one problem in a scenario or an input file. The
// format packages fill in File and Line where the format has lines.
type ValidationError struct {
	File  string
	Line  int
	Path  string // e.g. actors[2].stances.merger.salience
	Actor string
	Issue string
	Field string
	// Msg says what is wrong, including the allowed range where there is one.
	Msg string
	// Err is the kind of problem, when callers need to tell it apart with
	// errors.Is (e.g. a malformed number); Msg already says it.
	Err error
}

// Unwrap returns the kind of problem.
func (e *ValidationError) Unwrap() error { return e.Err }

func (e *ValidationError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	} else if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	var where []string
	if e.Actor != "" {
		where = append(where, fmt.Sprintf("actor %q", e.Actor))
	}
	if e.Issue != "" {
		where = append(where, fmt.Sprintf("issue %q", e.Issue))
	}
	if e.Field != "" {
		where = append(where, "field "+e.Field)
	}
	if len(where) > 0 {
		b.WriteString(strings.Join(where, ", "))
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ValidationErrors returns every *ValidationError in err's tree, in order.
func ValidationErrors(err error) []*ValidationError {
	var out []*ValidationError
	var walk func(error)
	walk = func(err error) {
		switch e := err.(type) {
		case nil:
		case *ValidationError:
			out = append(out, e)
		case interface{ Unwrap() []error }:
			for _, x := range e.Unwrap() {
				walk(x)
			}
		case interface{ Unwrap() error }:
			walk(e.Unwrap())
		}
	}
	walk(err)
	return out
}
