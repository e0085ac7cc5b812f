package receipt

// Positions of the letter after DIN 5008 (form B), in millimetres from
// the top of the page, so the address shows in a window envelope.
const (
	windowTop    = 45.0 // return address line
	addressTop   = 51.0 // first line of the recipient
	infoX        = 120.0
	subjectAfter = 98.0 // the subject starts no higher than this
)

// decisionRenderer lays out one Bescheid.
type decisionRenderer struct {
	*doc
	d *Decision
}

func (dr *decisionRenderer) render() {
	d := dr.d
	dr.header = func() {
		dr.runningHeader(d.Authority.Name, joinNonEmpty(" · ", "Bescheid vom "+date(d.Date), d.TrackingNumber))
	}
	dr.pdf.AddPage()
	headEnd := dr.letterhead(d.Authority)
	addrEnd := dr.address(max(headEnd, windowTop))
	infoEnd := dr.info(max(headEnd, addressTop))
	dr.setY(max(addrEnd, infoEnd, subjectAfter) + 4)

	w := dr.width()
	dr.flow(dr.para(style{bold: true, size: 11}, d.Subject, 0, w), 3)
	dr.setY(dr.y() + 5)
	salutation := d.Salutation
	if oneLine(salutation) == "" {
		salutation = "Sehr geehrte Damen und Herren,"
	}
	dr.flow(dr.para(stBody, salutation, 0, w), 1)
	dr.setY(dr.y() + 3)
	for _, p := range d.Body {
		if ls := dr.para(stBody, p, 0, w); ls != nil {
			dr.flow(ls, 2)
			dr.setY(dr.y() + 3)
		}
	}
	if ls := dr.para(style{size: 9}, d.LegalRemedy, 0, w); ls != nil {
		dr.setY(dr.y() + 2)
		head := dr.para(style{bold: true, size: 10}, "Rechtsbehelfsbelehrung", 0, w)
		head[0].gap = 1
		dr.flow(append(head, ls...), 3)
		dr.setY(dr.y() + 3)
	}
	dr.signature()
}

// address draws the return address line and the recipient; it returns
// the y below.
func (dr *decisionRenderer) address(top float64) float64 {
	const w = 85.0
	a := dr.d.Authority
	ret := joinNonEmpty(" · ", a.Name, a.Street, joinNonEmpty(" ", a.Postcode, a.City))
	y := top
	for _, t := range dr.wrap(style{size: 7}, ret, w) {
		dr.text(dr.left, y, w, style{size: 7, gray: 70}, t, "L")
		y += style{size: 7}.lh()
	}
	y = max(y+2, addressTop)
	for _, r := range dr.d.Recipient {
		for _, t := range dr.wrap(stBody, oneLine(r), w) {
			if t != "" {
				dr.text(dr.left, y, w, stBody, t, "L")
				y += stBody.lh()
			}
		}
	}
	return y
}

// info draws the block of reference data on the right; it returns the y
// below.
func (dr *decisionRenderer) info(top float64) float64 {
	d := dr.d
	const labelW = 30.0
	vw := pageW - dr.right - infoX - labelW
	y := top
	for _, f := range [][2]string{
		{"Datum", date(d.Date)},
		{"Vorgangsnummer", d.TrackingNumber},
		{"Ansprechperson", d.Caseworker},
		{"Telefon", d.Authority.Phone},
		{"E-Mail", d.Authority.Email},
	} {
		ls := dr.wrap(stSmall, oneLine(f[1]), vw)
		if ls[0] == "" {
			continue
		}
		dr.text(infoX, y, labelW, stSmall, f[0], "L")
		for _, t := range ls {
			dr.text(infoX+labelW, y, vw, style{size: stSmall.size}, t, "L")
			y += stSmall.lh()
		}
		y += 0.6
	}
	return y
}

// signature draws the closing, kept together on one page.
func (dr *decisionRenderer) signature() {
	w := dr.width()
	ls := dr.para(stBody, "Mit freundlichen Grüßen", 0, w)
	ls[0].gap = 5
	ls = append(ls, dr.para(stBody, "Im Auftrag", 0, w)...)
	ls = append(ls, dr.para(stBody, dr.d.Signatory, 0, w)...)
	ls[len(ls)-1].gap = 4
	ls = append(ls, dr.para(stSmall, MachineNote, 0, w)...)
	dr.flow(ls, len(ls))
}
