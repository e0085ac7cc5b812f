package fitconnect

import (
	"bytes"
	_ "embed"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed schema/metadata.schema.v1.0.0.json
var metadataSchemaJSON []byte

var metadataSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(metadataSchemaJSON))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	// Formats (uuid, uri, email, date, date-time) are part of the contract
	// with receivers, so they are asserted, not merely annotated.
	c.AssertFormat()
	if err := c.AddResource(MetadataSchemaURI, doc); err != nil {
		return nil, err
	}
	return c.Compile(MetadataSchemaURI)
})

// ValidateMetadata checks a metadata record (JSON) against FITKO's
// metadata schema 1.0.0. A violation wraps ErrInvalid.
func ValidateMetadata(b []byte) error {
	sch, err := metadataSchema()
	if err != nil {
		return fmt.Errorf("fitconnect: metadata schema: %w", err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("%w: metadata is not JSON: %w", ErrInvalid, err)
	}
	if err := sch.Validate(doc); err != nil {
		return fmt.Errorf("%w: metadata: %w", ErrInvalid, err)
	}
	return nil
}
