package payment

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/serviceportal/serviceportal/internal/form"
)

// FeeKind says how an offering's fee is worked out.
type FeeKind string

// The fee kinds. Per-quantity and calculated fees are worked out from the
// application's answers, so the citizen sees and pays the amount their
// answers give (two dogs, two fees); a fee set with the decision is not
// collected before submission.
const (
	FeeFree        FeeKind = "free"
	FeeFixed       FeeKind = "fixed"
	FeePerQuantity FeeKind = "per_quantity"
	FeeCalculated  FeeKind = "calculated"
	FeeOnDecision  FeeKind = "on_decision"
)

var feeKindLabels = map[FeeKind]string{
	FeeFree:        "gebührenfrei",
	FeeFixed:       "fester Betrag",
	FeePerQuantity: "Betrag je Einheit aus einem Formularfeld",
	FeeCalculated:  "vom Formular berechneter Betrag",
	FeeOnDecision:  "wird mit dem Bescheid festgesetzt",
}

// Label is the kind in German, for the settings page.
func (k FeeKind) Label() string { return feeKindLabels[k] }

// FeeKinds lists the kinds in the order the settings page offers them.
func FeeKinds() []FeeKind {
	return []FeeKind{FeeFree, FeeFixed, FeePerQuantity, FeeCalculated, FeeOnDecision}
}

// FeeRule is how one tenant charges for one service, and where the cash
// office books it.
type FeeRule struct {
	TenantID  string
	ServiceID string
	Kind      FeeKind
	// AmountCents is the fixed fee, or the fee per unit.
	AmountCents int64
	// Field is the form field (path) that counts the units, or that holds
	// the amount the form's rules calculate.
	Field string
	// Unit names one unit for the fee text, e.g. "je Hund".
	Unit string
	// Haushaltsstelle is the budget line the cash office books under.
	Haushaltsstelle string
	// KassenzeichenScheme shapes the Kassenzeichen; see KassenzeichenFor.
	KassenzeichenScheme string
	UpdatedBy           string
	UpdatedAt           time.Time
}

// MaxFeeCents caps any fee, also a computed one or an offering's own
// amount: nothing the portal collects online comes near 100.000 €, and a
// typo or a runaway calculation must not send a citizen to pay it.
const MaxFeeCents = 10_000_000

// Errors of fee rules and fee computation.
var (
	// ErrFeeUnknown means the answers do not (yet) give an amount, e.g.
	// the counting field is empty.
	ErrFeeUnknown = errors.New("payment: fee not computable from the answers")
	// ErrFeeTooLarge means a computed fee passed MaxFeeCents.
	ErrFeeTooLarge = errors.New("payment: fee too large")
)

var (
	fieldPathRe  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*(\[\d+\])?(\.[A-Za-z][A-Za-z0-9_]*)*$`)
	haushaltRe   = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z./ -]{0,39}$`)
	kzSchemeRe   = regexp.MustCompile(`^[0-9A-Za-z./-]*(\{JJJJ\}[0-9A-Za-z./-]*)?\{N{4,10}\}[0-9A-Za-z./-]*$`)
	kzYearRe     = regexp.MustCompile(`\{JJJJ\}`)
	kzCounterRe  = regexp.MustCompile(`\{(N+)\}`)
	feeTextLimit = 60
)

// RuleError is a mistake in a fee rule, explained in German for the
// coordinator who typed it, with the setting it concerns (kind, amount,
// field, unit, haushaltsstelle or kassenzeichen_scheme).
type RuleError struct {
	Field   string
	Message string
}

func (e *RuleError) Error() string { return e.Message }

func ruleError(field, msg string) error { return &RuleError{Field: field, Message: msg} }

// Validate checks a rule as a coordinator typed it; mistakes are
// *RuleError.
func (r FeeRule) Validate() error {
	if _, ok := feeKindLabels[r.Kind]; !ok {
		return ruleError("kind", "Wählen Sie aus, wie die Gebühr berechnet wird.")
	}
	if r.AmountCents < 0 || r.AmountCents > MaxFeeCents {
		return ruleError("amount", "Der Betrag muss zwischen 0,00 € und 100.000,00 € liegen.")
	}
	switch r.Kind {
	case FeeFixed:
		if r.AmountCents == 0 {
			return ruleError("amount", "Geben Sie den Betrag der Gebühr an, oder wählen Sie „gebührenfrei“.")
		}
	case FeePerQuantity:
		if r.AmountCents == 0 {
			return ruleError("amount", "Geben Sie den Betrag je Einheit an.")
		}
		if !fieldPathRe.MatchString(r.Field) {
			return ruleError("field", "Geben Sie das Formularfeld an, das die Anzahl enthält (eine Zahl oder eine wiederholbare Gruppe, deren Einträge gezählt werden).")
		}
	case FeeCalculated:
		if !fieldPathRe.MatchString(r.Field) {
			return ruleError("field", "Geben Sie das Formularfeld an, in dem das Formular den Betrag berechnet.")
		}
	}
	if len([]rune(r.Unit)) > feeTextLimit {
		return ruleError("unit", fmt.Sprintf("Die Einheit darf höchstens %d Zeichen lang sein.", feeTextLimit))
	}
	if r.Haushaltsstelle != "" && !haushaltRe.MatchString(r.Haushaltsstelle) {
		return ruleError("haushaltsstelle", "Die Haushaltsstelle darf nur Ziffern, Buchstaben, Punkte, Bindestriche, Schrägstriche und Leerzeichen enthalten (höchstens 40 Zeichen).")
	}
	if r.KassenzeichenScheme != "" {
		if !kzSchemeRe.MatchString(r.KassenzeichenScheme) || len(r.KassenzeichenScheme) > 40 {
			return ruleError("kassenzeichen_scheme", "Das Kassenzeichen-Schema braucht das Jahr als {JJJJ} und genau einen Zähler aus 4 bis 10 N in geschweiften Klammern, sonst nur Ziffern, Buchstaben, Punkte, Bindestriche und Schrägstriche, zum Beispiel 5.1000.{JJJJ}.{NNNNNN}.")
		}
		if !kzYearRe.MatchString(r.KassenzeichenScheme) {
			return ruleError("kassenzeichen_scheme", "Das Kassenzeichen-Schema muss das Jahr {JJJJ} enthalten, weil der Zähler jedes Jahr neu beginnt.")
		}
	}
	return nil
}

// CollectsOnline reports whether the fee is paid before submission.
func (r FeeRule) CollectsOnline() bool {
	return r.Kind == FeeFixed || r.Kind == FeePerQuantity || r.Kind == FeeCalculated
}

// Text describes the fee for the service page: "12,00 € je Hund".
func (r FeeRule) Text() string {
	switch r.Kind {
	case FeeFree:
		return "gebührenfrei"
	case FeeFixed:
		return FormatEuro(r.AmountCents)
	case FeePerQuantity:
		return strings.TrimSpace(FormatEuro(r.AmountCents) + " " + r.Unit)
	case FeeCalculated:
		return "wird aus Ihren Angaben berechnet und vor dem Absenden angezeigt"
	case FeeOnDecision:
		return "wird mit dem Bescheid festgesetzt"
	}
	return ""
}

// Compute works out the fee from the application's evaluated values (as
// form.State.Values gives them) and explains it: "2 × 12,00 € je Hund". Fees
// that are not collected online compute to 0.
func (r FeeRule) Compute(values form.Values) (cents int64, explain string, err error) {
	switch r.Kind {
	case FeeFixed:
		return r.AmountCents, FormatEuro(r.AmountCents), nil
	case FeePerQuantity:
		n, ok := integer(values[r.Field])
		if !ok || n < 0 {
			return 0, "", ErrFeeUnknown
		}
		if n > 0 && r.AmountCents > MaxFeeCents/n {
			return 0, "", ErrFeeTooLarge
		}
		return n * r.AmountCents, strings.TrimSpace(fmt.Sprintf("%d × %s %s", n, FormatEuro(r.AmountCents), r.Unit)), nil
	case FeeCalculated:
		n, ok := integer(values[r.Field])
		if !ok || n < 0 {
			return 0, "", ErrFeeUnknown
		}
		if n > MaxFeeCents {
			return 0, "", ErrFeeTooLarge
		}
		return n, "berechnet aus Ihren Angaben", nil
	}
	return 0, "", nil
}

// integer reads a count or an amount in cents from an evaluated value: an
// integer field, a repeatable group (its number of instances: two dogs
// entered, two fees) or a money field. Floats are refused, since a fee in
// fractions of a cent is a mistake in the form.
func integer(v any) (int64, bool) {
	switch x := v.(type) {
	case int:
		return int64(x), true
	case int64:
		return x, true
	case form.Money:
		return int64(x), true
	case []form.Values:
		return int64(len(x)), true
	}
	return 0, false
}
