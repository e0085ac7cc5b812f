package fitconnect_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/serviceportal/serviceportal/internal/fitconnect"
)

// TestValidateReceivedMetadata: metadata of other senders are checked
// against the version they name; versions the portal does not know are
// refused with the version in the message.
func TestValidateReceivedMetadata(t *testing.T) {
	t.Parallel()
	hash := `{"type":"sha512","content":"` + strings.Repeat("ab", 64) + `"}`
	data := `"data":{"hash":` + hash + `,"submissionSchema":{"schemaUri":"urn:xoev-de:bmwi:standard:xgewerbeanzeige_2.2","mimeType":"application/xml"}}`
	att := `{"attachmentId":"6c5e4c1e-8f7b-4c2a-9f0e-2b6f4a1d3e5f","hash":` + hash + `,"purpose":"form","mimeType":"application/pdf"}`
	schema := func(v string) string {
		return `"$schema":"https://schema.fitko.de/fit-connect/metadata/` + v + `/metadata.schema.json",`
	}
	tests := []struct {
		name, doc string
		ok        bool
		says      string
	}{
		{"1.0.0 without $schema", `{"contentStructure":{` + data + `,"attachments":[` + att + `]}}`, true, ""},
		{"1.2.0 with a member 1.0.0 lacks", `{` + schema("1.2.0") + `"contentStructure":{` + data + `,"attachments":[]},"x-sender":{"product":"WSP"}}`, true, ""},
		{"2.1.0", `{` + schema("2.1.0") + `"contentStructure":{` + data + `,"attachments":[` + att + `]}}`, true, ""},
		{"2.0.0 without data, which 2.x requires", `{` + schema("2.0.0") + `"contentStructure":{"attachments":[]}}`, false, "data"},
		{"1.x with a broken hash", `{"contentStructure":{"data":{"hash":{"type":"md5","content":"x"},"submissionSchema":{"schemaUri":"urn:x:y","mimeType":"application/xml"}},"attachments":[]}}`, false, "metadata"},
		{"3.0.0", `{` + schema("3.0.0") + `"contentStructure":{"attachments":[]}}`, false, "version 3.x"},
		{"foreign $schema", `{"$schema":"https://example.org/metadata.json","contentStructure":{"attachments":[]}}`, false, "unknown $schema"},
		{"not JSON", `<metadata/>`, false, "not JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := fitconnect.ValidateReceivedMetadata([]byte(tt.doc))
			if tt.ok {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if !errors.Is(err, fitconnect.ErrInvalid) || !strings.Contains(err.Error(), tt.says) {
				t.Fatalf("err = %v, want ErrInvalid naming %q", err, tt.says)
			}
		})
	}
}
