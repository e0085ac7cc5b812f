package identity

import (
	"errors"
	"fmt"
	"time"
)

// Errors callers branch on. Their German texts for citizens and staff come
// from UserMessage.
var (
	// ErrInvalidCredentials is the one answer to a failed login, whether the
	// account exists or not.
	ErrInvalidCredentials = errors.New("identity: invalid credentials")
	// ErrBusy means too many password checks are queued; answer 503 with
	// Retry-After.
	ErrBusy = errors.New("identity: password hashing is saturated")
	// ErrEmailNotVerified is returned after a correct password when the
	// address has not been confirmed yet.
	ErrEmailNotVerified = errors.New("identity: e-mail address not verified")
	// ErrInvalidToken covers unknown, used and expired one-time tokens.
	ErrInvalidToken = errors.New("identity: invalid or expired token")
	// ErrInvalidCode is a wrong, reused or expired TOTP or recovery code.
	ErrInvalidCode = errors.New("identity: invalid code")
	// ErrNoSession means the session token is unknown, expired or revoked.
	ErrNoSession = errors.New("identity: no valid session")
	// ErrMFAPending means the session still waits for its second factor.
	ErrMFAPending = errors.New("identity: second factor pending")
	// ErrForbidden means the principal lacks the permission asked for.
	ErrForbidden = errors.New("identity: forbidden")
	// ErrEmailTaken means another account of the same kind has the address.
	ErrEmailTaken = errors.New("identity: e-mail address already in use")
	// ErrInvalidEmail means the address is not a plausible e-mail address.
	ErrInvalidEmail = errors.New("identity: invalid e-mail address")
	// ErrAccountDisabled is returned for logins to disabled accounts after
	// the password was correct.
	ErrAccountDisabled = errors.New("identity: account disabled")
	// ErrLastRegionAdmin protects the region from losing its last admin.
	ErrLastRegionAdmin = errors.New("identity: cannot remove the last region admin")
	// ErrMFANotEnrolled means a staff login needs a TOTP enrolment first.
	ErrMFANotEnrolled = errors.New("identity: no second factor enrolled")
)

// ThrottledError says a login was refused before checking the password
// because of too many recent failures. Answer 429 with Retry-After.
type ThrottledError struct {
	RetryAfter time.Duration
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("identity: too many failed logins, retry after %s", e.RetryAfter)
}

// PasswordError says why a new password was refused, in German.
type PasswordError struct {
	Reason string
}

func (e *PasswordError) Error() string { return "identity: password refused: " + e.Reason }

// UserMessage returns the German text to show for err and whether err is
// one of this package's expected errors (false: show a generic error page
// and log err).
func UserMessage(err error) (string, bool) {
	var pe *PasswordError
	var te *ThrottledError
	var ie *InsufficientTrustError
	switch {
	case errors.As(err, &pe):
		return pe.Reason, true
	case errors.As(err, &te):
		return fmt.Sprintf("Zu viele fehlgeschlagene Anmeldeversuche. Bitte warten Sie %s und versuchen Sie es dann erneut.", waitText(te.RetryAfter)), true
	case errors.As(err, &ie):
		return fmt.Sprintf("Für diese Leistung ist eine Anmeldung mit dem Vertrauensniveau „%s“ nötig. Bitte melden Sie sich erneut an, zum Beispiel mit dem Online-Ausweis.", ie.Need.Label()), true
	case errors.Is(err, ErrInvalidCredentials):
		return "E-Mail-Adresse oder Passwort ist falsch. Bitte prüfen Sie Ihre Eingabe.", true
	case errors.Is(err, ErrBusy):
		return "Das Portal ist gerade stark ausgelastet. Bitte versuchen Sie es in einer Minute erneut.", true
	case errors.Is(err, ErrEmailNotVerified):
		return "Bitte bestätigen Sie zuerst Ihre E-Mail-Adresse über den Link in der E-Mail, die wir Ihnen geschickt haben.", true
	case errors.Is(err, ErrInvalidToken):
		return "Dieser Link ist ungültig oder abgelaufen. Bitte fordern Sie einen neuen Link an.", true
	case errors.Is(err, ErrInvalidCode):
		return "Der Code ist falsch oder abgelaufen. Bitte geben Sie den aktuellen Code aus Ihrer Authenticator-App ein.", true
	case errors.Is(err, ErrNoSession):
		return "Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.", true
	case errors.Is(err, ErrMFAPending):
		return "Bitte bestätigen Sie die Anmeldung mit dem Code aus Ihrer Authenticator-App.", true
	case errors.Is(err, ErrForbidden):
		return "Dafür fehlt Ihnen die Berechtigung. Wenden Sie sich bei Bedarf an Ihre Administration.", true
	case errors.Is(err, ErrEmailTaken):
		return "Für diese E-Mail-Adresse gibt es bereits ein Konto. Melden Sie sich damit an oder setzen Sie das Passwort zurück.", true
	case errors.Is(err, ErrInvalidEmail):
		return "Bitte geben Sie eine gültige E-Mail-Adresse ein, zum Beispiel name@example.org.", true
	case errors.Is(err, ErrAccountDisabled):
		return "Dieses Konto ist gesperrt. Wenden Sie sich bitte an die Administration.", true
	case errors.Is(err, ErrLastRegionAdmin):
		return "Die Region braucht mindestens eine Administration. Legen Sie zuerst eine weitere an.", true
	case errors.Is(err, ErrMFANotEnrolled):
		return "Für Ihr Konto ist ein zweiter Faktor vorgeschrieben. Bitte richten Sie jetzt eine Authenticator-App ein.", true
	}
	return "", false
}

func waitText(d time.Duration) string {
	if d < time.Minute {
		s := int(d.Round(time.Second) / time.Second)
		if s <= 1 {
			return "eine Sekunde"
		}
		return fmt.Sprintf("%d Sekunden", s)
	}
	m := int((d + time.Minute - 1) / time.Minute)
	if m == 1 {
		return "eine Minute"
	}
	return fmt.Sprintf("%d Minuten", m)
}
