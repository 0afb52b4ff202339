package format

import (
	"bytes"
	"encoding/json"
	"sort"
)

// jsonScanner reads the tokens of one JSON value from data, with their byte
// offsets, accepting exactly what encoding/json accepts (RFC 8259, nesting
// at most maxDepth deep; FuzzJSONScanner checks it against json.Valid). It
// allocates nothing but its stack of open containers: a string's bytes are
// a slice of data, unescaped only when asked for (token.text).
//
// On a syntax error it returns tBad from then on and sets bad; the caller
// then asks encoding/json for its message (see decodeJSON), so that the
// messages about malformed JSON are the standard library's.
type jsonScanner struct {
	data  []byte
	off   int
	stack []byte // open containers, '{' or '['
	state scanState
	bad   bool
	lines *lineIndex
}

type scanState uint8

const (
	stValue        scanState = iota // a value must follow
	stValueOrClose                  // after '[': a value or ']'
	stKeyOrClose                    // after '{': a key or '}'
	stKey                           // after ',' in an object: a key
	stCommaOrClose                  // after a value in a container
	stDone                          // after the value
)

// maxDepth is encoding/json's limit on nesting.
const maxDepth = 10000

func newJSONScanner(data []byte, off int, lines *lineIndex) *jsonScanner {
	return &jsonScanner{data: data, off: off, lines: lines}
}

func (s *jsonScanner) line(pos int) int { return s.lines.line(pos) }

func (s *jsonScanner) fail() token {
	s.bad = true
	s.state = stDone
	return token{kind: tBad, pos: s.off}
}

func (s *jsonScanner) skipSpace() {
	for s.off < len(s.data) {
		switch s.data[s.off] {
		case ' ', '\t', '\n', '\r':
			s.off++
		default:
			return
		}
	}
}

// next returns the next token: the start or end of an object or array, a
// key (a quoted scalar directly inside an object), or a scalar. After the
// value it returns tBad with bad false.
func (s *jsonScanner) next() token {
	for {
		s.skipSpace()
		if s.off >= len(s.data) {
			if s.state == stDone && !s.bad {
				return token{kind: tBad, pos: s.off}
			}
			return s.fail()
		}
		c := s.data[s.off]
		switch s.state {
		case stDone:
			return token{kind: tBad, pos: s.off}
		case stKeyOrClose, stKey:
			if c == '}' && s.state == stKeyOrClose {
				return s.close()
			}
			if c != '"' {
				return s.fail()
			}
			t := s.string()
			if t.kind == tBad {
				return t
			}
			s.skipSpace()
			if s.off >= len(s.data) || s.data[s.off] != ':' {
				return s.fail()
			}
			s.off++
			s.state = stValue
			return t
		case stCommaOrClose:
			top := s.stack[len(s.stack)-1]
			switch {
			case c == ',':
				s.off++
				if top == '{' {
					s.state = stKey
				} else {
					s.state = stValue
				}
				continue
			case c == '}' && top == '{', c == ']' && top == '[':
				return s.close()
			}
			return s.fail()
		case stValueOrClose:
			if c == ']' {
				return s.close()
			}
		}
		return s.value(c)
	}
}

// close ends the container open at the top of the stack.
func (s *jsonScanner) close() token {
	t := token{kind: tEnd, pos: s.off}
	s.off++
	s.stack = s.stack[:len(s.stack)-1]
	s.afterValue()
	return t
}

func (s *jsonScanner) afterValue() {
	if len(s.stack) == 0 {
		s.state = stDone
	} else {
		s.state = stCommaOrClose
	}
}

// value reads the value that starts with c at s.off.
func (s *jsonScanner) value(c byte) token {
	start := s.off
	switch c {
	case '{', '[':
		if len(s.stack) >= maxDepth {
			return s.fail()
		}
		s.stack = append(s.stack, c)
		s.off++
		if c == '{' {
			s.state = stKeyOrClose
			return token{kind: tMap, pos: start}
		}
		s.state = stValueOrClose
		return token{kind: tSeq, pos: start}
	case '"':
		t := s.string()
		if t.kind != tBad {
			s.afterValue()
		}
		return t
	case 't', 'f', 'n':
		for _, lit := range [...]string{"true", "false", "null"} {
			if lit[0] == c {
				if !bytes.HasPrefix(s.data[s.off:], []byte(lit)) {
					return s.fail()
				}
				s.off += len(lit)
				s.afterValue()
				kind := tScalar
				if c == 'n' {
					kind = tNull
				}
				return token{kind: kind, pos: start, raw: s.data[start:s.off]}
			}
		}
	}
	if c == '-' || ('0' <= c && c <= '9') {
		if !s.number() {
			return s.fail()
		}
		s.afterValue()
		return token{kind: tScalar, pos: start, raw: s.data[start:s.off]}
	}
	return s.fail()
}

// string reads the string at s.off; its token's raw bytes are those between
// the quotes.
func (s *jsonScanner) string() token {
	start := s.off
	i := s.off + 1
	esc := false
	for i < len(s.data) {
		c := s.data[i]
		switch {
		case c == '"':
			s.off = i + 1
			return token{kind: tScalar, quoted: true, esc: esc, pos: start, raw: s.data[start+1 : i]}
		case c == '\\':
			esc = true
			if i+1 >= len(s.data) {
				return s.fail()
			}
			switch s.data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(s.data) {
					return s.fail()
				}
				for _, h := range s.data[i+2 : i+6] {
					if !isHex(h) {
						return s.fail()
					}
				}
				i += 6
			default:
				return s.fail()
			}
		case c < 0x20:
			return s.fail()
		default:
			i++
		}
	}
	return s.fail()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// number reads -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? at s.off.
func (s *jsonScanner) number() bool {
	d, i := s.data, s.off
	if i < len(d) && d[i] == '-' {
		i++
	}
	digits := func() bool {
		j := i
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
		return i > j
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case !digits():
		return false
	}
	if i < len(d) && d[i] == '.' {
		i++
		if !digits() {
			return false
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if !digits() {
			return false
		}
	}
	s.off = i
	return true
}

// validJSON reports whether data is one JSON value, as json.Valid does,
// without allocating more than the scanner's stack.
func validJSON(data []byte) bool {
	s := newJSONScanner(data, 0, nil)
	for {
		t := s.next()
		if t.kind == tBad {
			break
		}
	}
	if s.bad {
		return false
	}
	s.skipSpace()
	return s.off == len(data)
}

// unquote returns the text of a JSON string's raw bytes (between the
// quotes) that contain escapes, decoded as encoding/json decodes them
// (a lone surrogate becomes U+FFFD).
func unquote(raw []byte) string {
	q := make([]byte, 0, len(raw)+2)
	q = append(append(append(q, '"'), raw...), '"')
	var s string
	if json.Unmarshal(q, &s) != nil {
		return string(raw) // the scanner checked the escapes: not reached
	}
	return s
}

// lineIndex converts byte offsets to line numbers. It finds the line starts
// on first use, so that a document without problems never counts its
// lines.
type lineIndex struct {
	data   []byte
	starts []int // offsets of the second, third, … line
	built  bool
}

func (x *lineIndex) line(off int) int {
	if x == nil {
		return 0
	}
	if !x.built {
		x.built = true
		for i, c := range x.data {
			if c == '\n' {
				x.starts = append(x.starts, i+1)
			}
		}
	}
	return sort.SearchInts(x.starts, off+1) + 1
}
