package report

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"
)

// palette holds colours that stay distinguishable for up to ten series
// (after the Tableau 10 scheme's hues).
var palette = []string{"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"}

func colour(i int) string { return palette[i%len(palette)] }

// svg builds one inline SVG element. Text is escaped; the element carries
// no namespace URI and no external reference, so the page needs no network.
type svg struct {
	b    strings.Builder
	w, h float64
}

func newSVG(id, label string, w, h float64) *svg {
	s := &svg{w: w, h: h}
	fmt.Fprintf(&s.b, `<svg id="%s" class="chart" viewBox="0 0 %g %g" width="%g" height="%g" role="img" aria-label="%s">`,
		html.EscapeString(id), w, h, w, h, html.EscapeString(label))
	fmt.Fprintf(&s.b, `<title>%s</title>`, html.EscapeString(label))
	return s
}

func (s *svg) line(x1, y1, x2, y2 float64, stroke string, width float64, extra string) {
	fmt.Fprintf(&s.b, `<line x1="%.2f" y1="%.2f" x2="%.2f" y2="%.2f" stroke="%s" stroke-width="%g"%s/>`, x1, y1, x2, y2, stroke, width, extra)
}

func (s *svg) rect(x, y, w, h float64, fill string, extra string) {
	if w < 0 {
		x, w = x+w, -w
	}
	fmt.Fprintf(&s.b, `<rect x="%.2f" y="%.2f" width="%.2f" height="%.2f" fill="%s"%s/>`, x, y, w, h, fill, extra)
}

func (s *svg) circle(cx, cy, r float64, fill, extra string) {
	fmt.Fprintf(&s.b, `<circle cx="%.2f" cy="%.2f" r="%.2f" fill="%s"%s/>`, cx, cy, r, fill, extra)
}

// text writes t at (x, y); anchor is start, middle or end.
func (s *svg) text(x, y float64, t, anchor, class string) {
	fmt.Fprintf(&s.b, `<text x="%.2f" y="%.2f" text-anchor="%s" class="%s">%s</text>`, x, y, anchor, class, html.EscapeString(t))
}

func (s *svg) polyline(pts [][2]float64, stroke string, width float64, extra string) {
	var b strings.Builder
	for i, p := range pts {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%.2f,%.2f", p[0], p[1])
	}
	fmt.Fprintf(&s.b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="%g"%s/>`, b.String(), stroke, width, extra)
}

// tip adds a tooltip to the previous element by wrapping nothing: SVG
// titles must be children, so callers use group instead.
func (s *svg) group(tip string, body func()) {
	s.b.WriteString("<g>")
	if tip != "" {
		fmt.Fprintf(&s.b, "<title>%s</title>", html.EscapeString(tip))
	}
	body()
	s.b.WriteString("</g>")
}

func (s *svg) html() template.HTML {
	s.b.WriteString("</svg>")
	return template.HTML(s.b.String())
}

// scale maps [lo, hi] onto [a, b].
type scale struct{ lo, hi, a, b float64 }

func (sc scale) at(x float64) float64 {
	if sc.hi == sc.lo {
		return (sc.a + sc.b) / 2
	}
	return sc.a + (x-sc.lo)/(sc.hi-sc.lo)*(sc.b-sc.a)
}

// axis draws a horizontal axis at y with ticks at nice steps.
func (s *svg) axis(sc scale, y float64) {
	s.line(sc.a, y, sc.b, y, "#888", 1, "")
	for _, t := range ticks(sc.lo, sc.hi, 5) {
		x := sc.at(t)
		s.line(x, y, x, y+4, "#888", 1, "")
		s.text(x, y+15, trimNum(t), "middle", "tick")
	}
}

// ticks returns about n round values covering [lo, hi].
func ticks(lo, hi float64, n int) []float64 {
	if hi <= lo {
		return []float64{lo}
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var out []float64
	for t := math.Ceil(lo/step) * step; t <= hi+step*1e-9; t += step {
		out = append(out, math.Round(t/step)*step)
	}
	return out
}

func trimNum(x float64) string {
	s := fmt.Sprintf("%.2f", x)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		s = "0"
	}
	return s
}
