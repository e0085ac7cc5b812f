package ui

import (
	"errors"

	"github.com/serviceportal/serviceportal/internal/clamd"
)

// scanMessage explains a file the virus scan refused. Without a verdict
// the file is refused too: the scanner being down must not let files
// through unchecked.
func scanMessage(err error) (string, bool) {
	var inf *clamd.Infected
	switch {
	case errors.As(err, &inf):
		return "Die Virenprüfung hat in der Datei Schadsoftware gefunden (" + inf.Signature + "). Die Datei wurde nicht gespeichert. " +
			"Bitte prüfen Sie Ihr Gerät und laden Sie eine saubere Datei hoch.", true
	case errors.Is(err, clamd.ErrUnavailable):
		return "Wir können Dateien gerade nicht auf Viren prüfen und nehmen sie deshalb nicht an. " +
			"Ihre übrigen Angaben sind gespeichert; bitte laden Sie die Datei in einigen Minuten noch einmal hoch.", true
	}
	return "", false
}
