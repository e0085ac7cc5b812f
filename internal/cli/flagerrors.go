package cli

import (
	"errors"
	"flag"
	"fmt"
	"regexp"
)

// The flag package's parse errors are English and fixed in wording; these
// patterns turn the ones a person can cause into German.
var (
	flagUndefined = regexp.MustCompile(`^flag provided but not defined: (-\S+)$`)
	flagNoValue   = regexp.MustCompile(`^flag needs an argument: (-\S+)$`)
	flagBadValue  = regexp.MustCompile(`^invalid (?:boolean )?value "(.*)" for (?:flag )?(-\S+): `)
)

// flagError turns an error of flag.FlagSet.Parse into a German
// configuration error naming the option; other parse errors keep their
// wording but still count as configuration errors.
func flagError(err error) error {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return err
	}
	msg := err.Error()
	switch {
	case flagUndefined.MatchString(msg):
		return configError{fmt.Errorf("unbekannte Option %s", flagUndefined.FindStringSubmatch(msg)[1])}
	case flagNoValue.MatchString(msg):
		return configError{fmt.Errorf("die Option %s braucht einen Wert", flagNoValue.FindStringSubmatch(msg)[1])}
	case flagBadValue.MatchString(msg):
		m := flagBadValue.FindStringSubmatch(msg)
		return configError{fmt.Errorf("der Wert %q passt nicht zur Option %s", m[1], m[2])}
	}
	return configError{err}
}
