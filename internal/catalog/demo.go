package catalog

import (
	"bytes"
	_ "embed"
)

//go:embed data/services.json
var servicesJSON []byte

//go:embed data/synonyms.txt
var synonymsTxt []byte

// DemoServices parses the catalogue file shipped with the portal.
func DemoServices() (ServiceFile, error) {
	return ParseServiceFile(bytes.NewReader(servicesJSON))
}

// DefaultSynonyms parses the synonym list shipped with the portal.
func DefaultSynonyms() (*Synonyms, error) {
	return ParseSynonyms(bytes.NewReader(synonymsTxt))
}
