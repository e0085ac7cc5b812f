package receipt

import (
	"strconv"
	"strings"
)

// Geometry of the answers table.
const (
	labelW = 58.0 // label column
	colGap = 4.0
	rowPad = 1.3 // above and below each row
	indent = 4.0 // per nesting level
)

// receiptRenderer lays out one Antragsbestätigung.
type receiptRenderer struct {
	*doc
	r *Receipt
}

func (rr *receiptRenderer) render() {
	r := rr.r
	rr.header = func() {
		rr.runningHeader(r.Authority.Name, "Antragsbestätigung · "+oneLine(r.TrackingNumber))
	}
	rr.pdf.AddPage()
	rr.setY(rr.letterhead(r.Authority))
	rr.titleBlock()
	rr.answers()
	rr.attachments()
	rr.payment()
	rr.nextSteps()
}

// titleBlock draws the title, the service and the box with the facts a
// citizen quotes on the phone.
func (rr *receiptRenderer) titleBlock() {
	r := rr.r
	w := rr.width()
	rr.flow(rr.para(stTitle, "Antragsbestätigung", 0, w), 1)
	rr.setY(rr.y() + 1)
	rr.flow(rr.para(style{size: 12}, r.ServiceName, 0, w), 1)
	if r.LeiKaKey != "" {
		rr.flow(rr.para(stSmall, "LeiKa-Schlüssel "+r.LeiKaKey, 0, w), 1)
	}
	rr.setY(rr.y() + 4)

	const pad, boxLabel = 4.0, 42.0
	vw := w - 2*pad - boxLabel
	type fact struct {
		label string
		value []line
	}
	facts := []fact{
		{"Vorgangsnummer", rr.para(style{bold: true, size: 12}, r.TrackingNumber, 0, vw)},
		{"Eingegangen am", rr.para(stValue, dateTime(r.SubmittedAt), 0, vw)},
	}
	if v := rr.para(stValue, r.ApplicantName, 0, vw); v != nil {
		facts = append(facts, fact{"Antragsteller/in", capLines(v, 3)})
	}
	h := 2 * pad
	for i, f := range facts {
		for _, l := range f.value {
			h += l.st.lh()
		}
		if i > 0 {
			h += 1.5
		}
	}
	rr.need(h)
	top := rr.y()
	rr.pdf.SetFillColor(241, 244, 248)
	rr.pdf.SetDrawColor(170, 180, 195)
	rr.pdf.SetLineWidth(0.3)
	rr.pdf.Rect(rr.left, top, w, h, "FD")
	y := top + pad
	for _, f := range facts {
		first := f.value[0].st.lh()
		rr.text(rr.left+pad, y+(first-stLabel.lh())/2, boxLabel, stLabel, f.label, "L")
		for _, l := range f.value {
			rr.text(rr.left+pad+boxLabel, y, vw, l.st, l.text, "L")
			y += l.st.lh()
		}
		y += 1.5
	}
	rr.setY(top + h + 5)
	rr.flow(rr.para(stBody, "Vielen Dank. Ihr Antrag ist vollständig bei uns eingegangen. "+
		"Bitte geben Sie bei Rückfragen immer die Vorgangsnummer an.", 0, w), 2)
}

// answers draws every section as a two-column table.
func (rr *receiptRenderer) answers() {
	if len(rr.r.Sections) == 0 {
		return
	}
	rr.heading("Ihre Angaben")
	for _, s := range rr.r.Sections {
		title := oneLine(s.Title)
		if title == "" {
			title = "Angaben"
		}
		// A title gets three lines at most, so its repetitions stay small.
		if ls := rr.wrap(stH2, title, rr.width()-4); len(ls) > 3 {
			title = strings.Join(ls[:3], " ") + " …"
		}
		rr.setY(rr.y() + 2)
		// Keep the title with the first two lines of its first row.
		rr.need(rr.sectionTitleHeight(title) + 2*stValue.lh() + 2*rowPad)
		rr.sectionTitle(title)
		rr.cont = func() { rr.sectionTitle(title + " (Fortsetzung)") }
		for _, row := range s.Rows {
			rr.row(row)
		}
		rr.cont = nil
	}
}

func (rr *receiptRenderer) sectionTitleHeight(t string) float64 {
	return float64(len(rr.wrap(stH2, t, rr.width()-4)))*stH2.lh() + 2.4
}

// sectionTitle draws a section's title on a tinted bar.
func (rr *receiptRenderer) sectionTitle(t string) {
	w := rr.width()
	h := rr.sectionTitleHeight(t)
	y := rr.y()
	rr.pdf.SetFillColor(228, 233, 240)
	rr.pdf.Rect(rr.left, y, w, h, "F")
	for i, l := range rr.wrap(stH2, t, w-4) {
		rr.text(rr.left+2, y+1.2+float64(i)*stH2.lh(), w-4, stH2, l, "L")
	}
	rr.setY(y + h)
}

// row draws one answer. A row taller than the rest of the page moves to
// the next page whole, and is split between lines only when it would not
// fit on any page.
func (rr *receiptRenderer) row(row Row) {
	lvl := float64(min(max(row.Level, 0), 5)) * indent
	vw := rr.width() - labelW - colGap
	lh := stValue.lh()
	var left, right []string
	if row.Heading {
		left = rr.wrap(stStrong, row.Label, rr.width()-lvl)
	} else {
		left = rr.wrap(stLabel, row.Label, labelW-lvl)
		right = rr.wrap(stValue, row.Value, vw)
	}
	n := max(len(left), len(right))
	fresh := false
	for start := 0; start < n; {
		rest := n - start
		fit := int((contentBottom - rr.y() - 2*rowPad) / lh)
		if fit < rest && !fresh {
			whole := float64(rest)*lh+2*rowPad <= rr.capacity()
			if (start == 0 && whole) || fit < 2 {
				rr.newPage()
				fresh = true
				continue
			}
		}
		k := max(1, min(fit, rest))
		y := rr.y() + rowPad
		for i := start; i < start+k; i++ {
			if i < len(left) {
				st := stLabel
				w := labelW - lvl
				if row.Heading {
					st, w = stStrong, rr.width()-lvl
				}
				rr.text(rr.left+lvl, y, w, st, left[i], "L")
			}
			if i < len(right) {
				rr.text(rr.left+labelW+colGap, y, vw, stValue, right[i], "L")
			}
			y += lh
		}
		rr.setY(y + rowPad)
		rr.rule(rr.y(), 215)
		start += k
		fresh = false
		if start < n {
			rr.newPage()
			fresh = true
		}
	}
}

// attachments lists the files with size and SHA-512, one block each.
func (rr *receiptRenderer) attachments() {
	as := rr.r.Attachments
	if len(as) == 0 {
		return
	}
	rr.heading("Anlagen (" + strconv.Itoa(len(as)) + ")")
	w := rr.width()
	rr.flow(rr.para(stLabel, "Mit dem SHA-512-Prüfwert lässt sich jederzeit nachweisen, "+
		"dass eine Datei unverändert ist.", 0, w), 2)
	rr.setY(rr.y() + 2)
	rr.cont = func() {
		rr.flow(rr.para(stH2, "Anlagen (Fortsetzung)", 0, w), 1)
		rr.setY(rr.y() + 2)
	}
	const hx = 6.0
	for i, a := range as {
		var block []line
		block = append(block, rr.para(stStrong, strconv.Itoa(i+1)+". "+a.Name, 0, w)...)
		if block == nil {
			block = rr.para(stStrong, strconv.Itoa(i+1)+". (ohne Namen)", 0, w)
		}
		block = append(block, rr.para(stLabel, "Größe: "+fileSize(a.Size), hx, w-hx)...)
		if hs := hashLines(a.SHA512); len(hs) > 0 {
			block = append(block, rr.para(stLabel, "SHA-512:", hx, w-hx)...)
			for _, h := range hs {
				block = append(block, rr.para(stHash, h, hx, w-hx)...)
			}
		}
		block[len(block)-1].gap = 3
		rr.flow(block, len(block))
	}
	rr.cont = nil
}

// payment shows the fee as a small table.
func (rr *receiptRenderer) payment() {
	p := rr.r.Payment
	if p == nil {
		return
	}
	rr.heading("Zahlung")
	rr.row(Row{Label: "Betrag", Value: euro(p.AmountCents)})
	if oneLine(p.Status) != "" {
		rr.row(Row{Label: "Status", Value: p.Status})
	}
	if oneLine(p.Kassenzeichen) != "" {
		rr.row(Row{Label: "Kassenzeichen", Value: p.Kassenzeichen})
	}
}

// nextSteps tells what happens now and where to follow the application.
func (rr *receiptRenderer) nextSteps() {
	r := rr.r
	url := oneLine(r.StatusURL)
	if oneLine(r.NextSteps) == "" && url == "" {
		return
	}
	w := rr.width()
	rr.heading("So geht es weiter")
	rr.flow(rr.para(stBody, r.NextSteps, 0, w), 2)
	if url == "" {
		return
	}
	rr.setY(rr.y() + 2)
	ls := rr.para(stBody, "Den aktuellen Stand Ihres Antrags sehen Sie jederzeit unter:", 0, w)
	link := webLink(url)
	for _, t := range rr.wrap(stBody, url, w) {
		ls = append(ls, line{st: style{size: stBody.size, link: link != ""}, w: w, text: t, link: link})
	}
	rr.flow(ls, len(ls))
}
