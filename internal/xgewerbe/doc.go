// Package xgewerbe reads and writes XGewerbeanzeige messages, the XÖV
// standard by which a Gewerbeamt passes a Gewerbe-Anmeldung, -Ummeldung or
// -Abmeldung (GewA 1/2/3) on to the IHK, HWK, statistical offices and the
// other recipients of § 14 GewO.
//
// Parse accepts the versions of KoSIT's published examples: 2.0, 2.1 and
// 2.2 (namespace http://www.xgewerbeanzeige.de/spezifikation/2.x) and the
// older 1.2/1.3 DatML-RAW envelope. It checks what the format requires and
// refuses anything else with a German reason naming element and line, so a
// caseworker never sees half a message. Sections turns a parsed message into
// labelled rows for the case view. Produce writes XGewerbeanzeige 2.2 from
// the answers of a tenant's own Gewerbeanmeldung form, which FromAnswers
// reads (answers.go; the form is internal/form/schemas/gewerbeanmeldung.json).
//
// The XSD and Schematron files themselves are not available here; the
// checks (meldung.go, behoerde.go, parse.go, parse1.go) are the mandatory
// parts every KoSIT example carries and the rules its invalid examples
// break. Elements this package does not know are ignored, except inside an
// address, whose content is closed.
package xgewerbe
