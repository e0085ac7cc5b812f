package receipt

import (
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
)

// Page geometry in millimetres, A4 portrait.
const (
	pageW         = 210.0
	footerTop     = 280.0 // the rule above the footer
	contentBottom = 275.0 // lowest y body text may reach
	followTop     = 24.0  // where body text starts on pages after the first
)

// style is a font size, weight and grey level for text.
type style struct {
	bold bool
	size float64 // points
	gray int     // 0 is black
	link bool    // blue, for links
}

// lh is the line pitch in millimetres.
func (s style) lh() float64 { return s.size * 0.3528 * 1.35 }

// The document's type scale.
var (
	stTitle   = style{bold: true, size: 18}
	stOrg     = style{bold: true, size: 14}
	stOrgSub  = style{size: 10, gray: 40}
	stSmall   = style{size: 8.5, gray: 70}
	stH1      = style{bold: true, size: 12}
	stH2      = style{bold: true, size: 10}
	stBody    = style{size: 10}
	stValue   = style{size: 9.5}
	stLabel   = style{size: 9, gray: 60}
	stStrong  = style{bold: true, size: 9.5}
	stHash    = style{size: 7.5, gray: 30}
	stFooter  = style{size: 7.5, gray: 80}
	stRunning = style{size: 8, gray: 70}
)

// line is one laid-out line of text; x is relative to the left margin.
type line struct {
	st   style
	x, w float64
	text string
	link string  // target of a link over the line, if any
	gap  float64 // extra space after the line
}

// meta is the document information dictionary.
type meta struct {
	title, subject, author string
	created                time.Time
}

// doc wraps an fpdf document with the page breaking both documents share:
// breaks are made here, never by fpdf, so a break can repeat a heading and
// never splits a table row by accident.
type doc struct {
	pdf         *fpdf.Fpdf
	left, right float64
	// header draws the running header of pages after the first.
	header func()
	// cont, when set, repeats the current section's heading after a break.
	cont func()
}

func newDoc(m meta, left, right float64) *doc {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(true)
	// Sorted catalogues and fixed dates make the same input give the same bytes.
	pdf.SetCatalogSort(true)
	created := m.created.In(berlin)
	pdf.SetCreationDate(created)
	pdf.SetModificationDate(created)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(left, 15, right)
	pdf.SetCellMargin(0)
	pdf.AddUTF8FontFromBytes(family, "", fontRegular)
	pdf.AddUTF8FontFromBytes(family, "B", fontBold)
	pdf.SetTitle(oneLine(m.title), true)
	pdf.SetSubject(oneLine(m.subject), true)
	pdf.SetAuthor(oneLine(m.author), true)
	pdf.SetCreator("Serviceportal", true)
	pdf.SetProducer("Serviceportal (go-pdf/fpdf)", true)
	pdf.SetLang("de-DE")
	return &doc{pdf: pdf, left: left, right: right}
}

// width is the width between the margins.
func (d *doc) width() float64 { return pageW - d.left - d.right }

func (d *doc) y() float64     { return d.pdf.GetY() }
func (d *doc) setY(y float64) { d.pdf.SetY(y) }

// capacity is the height a fresh follow page offers below a repeated
// heading; content taller than this has to be split.
func (d *doc) capacity() float64 { return contentBottom - followTop - 12 }

func (d *doc) use(s style) {
	if s.bold {
		d.pdf.SetFont(family, "B", s.size)
	} else {
		d.pdf.SetFont(family, "", s.size)
	}
	if s.link {
		d.pdf.SetTextColor(0, 70, 140)
		return
	}
	d.pdf.SetTextColor(s.gray, s.gray, s.gray)
}

// text draws one line at an absolute position; the text must fit.
func (d *doc) text(x, y, w float64, s style, t, align string) {
	d.use(s)
	d.pdf.SetXY(x, y)
	d.pdf.CellFormat(w, s.lh(), t, "", 0, align, false, 0, "")
}

// rule draws a thin horizontal line across the text width.
func (d *doc) rule(y float64, gray int) {
	d.pdf.SetDrawColor(gray, gray, gray)
	d.pdf.SetLineWidth(0.2)
	d.pdf.Line(d.left, y, pageW-d.right, y)
}

// newPage starts a page with the running header and the repeated heading.
func (d *doc) newPage() {
	d.pdf.AddPage()
	d.setY(followTop)
	if d.header != nil && d.pdf.PageNo() > 1 {
		d.header()
		d.setY(followTop)
	}
	if d.cont != nil {
		d.cont()
	}
}

// need breaks the page unless h millimetres are left.
func (d *doc) need(h float64) {
	if d.y()+h > contentBottom {
		d.newPage()
	}
}

// flow draws lines, breaking pages between them. The first keep lines
// stay together when they can (2 avoids a lonely first line, len(ls)
// keeps a small block whole).
func (d *doc) flow(ls []line, keep int) {
	keep = min(keep, len(ls))
	var h float64
	for _, l := range ls[:keep] {
		h += l.st.lh() + l.gap
	}
	if h <= d.capacity() {
		d.need(h)
	}
	for _, l := range ls {
		d.need(l.st.lh())
		y := d.y()
		d.text(d.left+l.x, y, l.w, l.st, l.text, "L")
		if l.link != "" && l.text != "" {
			d.pdf.LinkString(d.left+l.x, y, min(l.w, d.pdf.GetStringWidth(l.text)), l.st.lh(), l.link)
		}
		d.setY(y + l.st.lh() + l.gap)
	}
}

// para lays out text in style s at x (relative) with width w; newlines
// in text start new lines. Empty text gives no lines.
func (d *doc) para(s style, text string, x, w float64) []line {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	var ls []line
	for _, t := range d.wrap(s, text, w) {
		ls = append(ls, line{st: s, x: x, w: w, text: t})
	}
	return ls
}

// capLines keeps the first n lines and marks the cut with "…".
func capLines(ls []line, n int) []line {
	if len(ls) <= n {
		return ls
	}
	ls = ls[:n:n]
	ls[n-1].text += " …"
	return ls
}

// heading draws a section heading and keeps room for what follows it.
func (d *doc) heading(t string) {
	d.setY(d.y() + 5)
	d.need(stH1.lh() + 14)
	d.flow(d.para(stH1, t, 0, d.width()), 1)
	d.setY(d.y() + 1.5)
}

// wrap breaks text into lines no wider than w in style s. Words longer
// than a line (hashes, URLs) are broken between characters.
func (d *doc) wrap(s style, text string, w float64) []string {
	d.use(s)
	text = strings.TrimRight(clean(text), " \n")
	space := d.pdf.GetStringWidth(" ")
	var out []string
	for _, para := range strings.Split(text, "\n") {
		var cur strings.Builder
		var cw float64
		flush := func() {
			out = append(out, cur.String())
			cur.Reset()
			cw = 0
		}
		for _, word := range strings.Split(para, " ") {
			if word == "" {
				continue
			}
			ww := d.pdf.GetStringWidth(word)
			if cur.Len() > 0 && cw+space+ww <= w {
				cur.WriteByte(' ')
				cur.WriteString(word)
				cw += space + ww
				continue
			}
			if cur.Len() > 0 {
				flush()
			}
			if ww <= w {
				cur.WriteString(word)
				cw = ww
				continue
			}
			for _, r := range word {
				rw := d.pdf.GetStringWidth(string(r))
				if cur.Len() > 0 && cw+rw > w {
					flush()
				}
				cur.WriteRune(r)
				cw += rw
			}
		}
		flush()
	}
	return out
}

// webLink returns u if it is safe to make clickable (http or https).
func webLink(u string) string {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
		return ""
	}
	return p.String()
}

// letterhead draws the authority's name and address on the left and its
// contact details on the right, and returns the y below it.
func (d *doc) letterhead(a Authority) float64 {
	const top = 15.0
	leftW := d.width() * 0.58
	y := top
	for _, ls := range [][]line{
		d.para(stOrg, a.Name, 0, leftW),
		d.para(stOrgSub, a.Department, 0, leftW),
		d.para(stSmall, joinNonEmpty(" · ", a.Street, joinNonEmpty(" ", a.Postcode, a.City)), 0, leftW),
	} {
		for _, l := range ls {
			d.text(d.left, y, leftW, l.st, l.text, "L")
			y += l.st.lh()
		}
	}
	rx := d.left + leftW + 4
	rw := pageW - d.right - rx
	ry := top + 1
	for _, c := range []string{prefixed("Telefon ", a.Phone), prefixed("E-Mail ", a.Email), oneLine(a.Website)} {
		for _, t := range d.wrap(stSmall, c, rw) {
			if t != "" {
				d.text(rx, ry, rw, stSmall, t, "R")
				ry += stSmall.lh()
			}
		}
	}
	y = max(y, ry) + 2.5
	d.rule(y, 150)
	return y + 6
}

// runningHeader draws the slim header of follow pages.
func (d *doc) runningHeader(left, right string) {
	const y = 12.0
	half := d.width()/2 - 2
	l := d.wrap(stRunning, oneLine(left), half)
	r := d.wrap(stRunning, oneLine(right), half)
	d.text(d.left, y, half, style{bold: true, size: stRunning.size, gray: 40}, l[0], "L")
	d.text(pageW-d.right-half, y, half, stRunning, r[0], "R")
	d.rule(y+stRunning.lh()+1.5, 150)
}

// finish draws every page's footer, now that the page count is known, and
// writes the PDF.
func (d *doc) finish(w io.Writer, footer string) error {
	pages := d.pdf.PageCount()
	for p := 1; p <= pages; p++ {
		d.pdf.SetPage(p)
		d.footer(footer, p, pages)
	}
	d.pdf.SetPage(pages)
	if err := d.pdf.Output(w); err != nil {
		return fmt.Errorf("receipt: write PDF: %w", err)
	}
	return nil
}

func (d *doc) footer(text string, page, pages int) {
	// Going back to an earlier page, fpdf's idea of the fill colour may not
	// be that page's; set it so text colours come out right.
	d.pdf.SetFillColor(255, 255, 255)
	d.rule(footerTop, 150)
	const numW = 32.0
	num := fmt.Sprintf("Seite %d von %d", page, pages)
	d.text(pageW-d.right-numW, footerTop+1.5, numW, stFooter, num, "R")
	lines := d.wrap(stFooter, text, d.width()-numW-4)
	for i, t := range lines[:min(2, len(lines))] {
		d.text(d.left, footerTop+1.5+float64(i)*stFooter.lh(), d.width()-numW-4, stFooter, t, "L")
	}
}

func joinNonEmpty(sep string, parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p = oneLine(p); p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, sep)
}

func prefixed(prefix, s string) string {
	if s = oneLine(s); s == "" {
		return ""
	}
	return prefix + s
}
