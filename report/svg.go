package report

import (
	"fmt"
	"hash/fnv"
	"html"
	"html/template"
	"math"
	"strings"
	"unicode/utf8"
)

// Colours. Models and actors never share a colour, and are drawn apart:
//
//   - a model has one fixed colour on every chart of every page (modelColour),
//     saturated, from the Okabe–Ito colour-blind-safe scheme with Paul Tol's
//     indigo and wine for the seventh and eighth; models are drawn as filled
//     circles and solid lines;
//   - actors take muted, greyish earth tones (actorColour), never one of
//     the model colours, and are drawn as squares, bands and dashed lines
//     (actorDash), so that an actor's line on a rounds chart cannot be taken
//     for a model's even in grey print.
var modelColours = map[string]string{
	"mean":      "#0072b2", // blue
	"median":    "#e69f00", // orange
	"condorcet": "#56b4e9", // sky blue
	"nbs":       "#009e73", // bluish green
	"bdm":       "#d55e00", // vermillion
	"smp":       "#cc79a7", // reddish purple
	"exchange":  "#332288", // indigo
	"stacked":   "#882255", // wine
}

// spareModelColours colour models outside modelColours (a model of a
// plugin or a test), picked by a hash of the name so that a model keeps
// its colour whatever else is run.
var spareModelColours = []string{"#117733", "#44aa99", "#999933", "#aa4499"}

// actorPalette holds muted tones, distinguishable from each other and
// from every model colour.
var actorPalette = []string{"#7a6a58", "#5c6f82", "#8c8c5a", "#6b8a78", "#8a6478", "#5a5a5a", "#a08060", "#4f6470", "#857a9a", "#6e5a3c"}

// actorDashes are the dash patterns of actors' lines, in turn.
var actorDashes = []string{"", "5 2", "2 2", "7 2 2 2"}

func modelColour(name string) string {
	if c, ok := modelColours[name]; ok {
		return c
	}
	h := fnv.New32a()
	h.Write([]byte(name))
	return spareModelColours[h.Sum32()%uint32(len(spareModelColours))]
}

func actorColour(i int) string { return actorPalette[i%len(actorPalette)] }

func actorDash(i int) string {
	if d := actorDashes[i%len(actorDashes)]; d != "" {
		return ` stroke-dasharray="` + d + `"`
	}
	return ""
}

// Text sizes of the charts' classes (see the template's CSS), in px of
// the viewBox.
const (
	fontLabel = 12.0
	fontSmall = 10.5
	fontTick  = 10.0
)

// textWidth is an upper estimate of the width of t at size px: 0.62 em a
// character fits the sans-serif fonts the page asks for (DejaVu Sans, the
// widest of them, averages 0.55–0.6 em on mixed text), so that margins
// computed from it leave no label clipped.
func textWidth(t string, px float64) float64 {
	return 0.62 * px * float64(utf8.RuneCountInString(t))
}

// boldWidth is textWidth for bold text (DejaVu Sans Bold is about a
// tenth wider).
func boldWidth(t string, px float64) float64 { return 1.12 * textWidth(t, px) }

// maxWidth is the largest textWidth of ts at size px.
func maxWidth(ts []string, px float64) float64 {
	w := 0.0
	for _, t := range ts {
		w = math.Max(w, textWidth(t, px))
	}
	return w
}

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

// textIn writes t centred on x at size px, moved sideways as far as it
// takes to keep it inside the chart.
func (s *svg) textIn(x, y float64, t, class string, px float64) {
	half := textWidth(t, px) / 2
	x = math.Max(x, edge+half)
	x = math.Min(x, s.w-edge-half)
	s.text(x, y, t, "middle", class)
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
		s.textIn(x, y+15, trimNum(t), "tick", fontTick)
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
