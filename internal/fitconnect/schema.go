package fitconnect

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed schema/metadata.schema.v1.0.0.json
var metadataSchemaJSON []byte

//go:embed schema/metadata.schema.v2.1.0.json
var metadataSchema2JSON []byte

// MetadataSchema2URI is the $id of the 2.1.0 schema, against which the
// receiver checks metadata that name a 2.x version.
const MetadataSchema2URI = "https://schema.fitko.de/fit-connect/metadata/2.1.0/metadata.schema.json"

// compileSchema compiles one embedded schema under its $id. Formats (uuid,
// uri, email, date, date-time) are part of the contract with receivers,
// so they are asserted, not merely annotated.
func compileSchema(raw []byte, id string) (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(id, doc); err != nil {
		return nil, err
	}
	return c.Compile(id)
}

var (
	metadataSchema  = sync.OnceValues(func() (*jsonschema.Schema, error) { return compileSchema(metadataSchemaJSON, MetadataSchemaURI) })
	metadataSchema2 = sync.OnceValues(func() (*jsonschema.Schema, error) { return compileSchema(metadataSchema2JSON, MetadataSchema2URI) })
)

// ValidateMetadata checks a metadata record (JSON) against FITKO's
// metadata schema 1.0.0, the version the sender writes. A violation wraps
// ErrInvalid.
func ValidateMetadata(b []byte) error {
	return validateWith(metadataSchema, b)
}

var metadataVersion = regexp.MustCompile(`^https://schema\.fitko\.de/fit-connect/metadata/(\d+)\.\d+\.\d+/metadata\.schema\.json$`)

// ValidateReceivedMetadata checks metadata from another sender against the
// version its "$schema" names: 1.x (or none, which 1.0.0 allows) against
// 1.0.0, whose later minor versions only add members; 2.x against 2.1.0.
// Other versions are refused, naming the version.
func ValidateReceivedMetadata(b []byte) error {
	var head struct {
		Schema string `json:"$schema"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return fmt.Errorf("%w: metadata is not JSON: %w", ErrInvalid, err)
	}
	if head.Schema == "" {
		return validateWith(metadataSchema, b)
	}
	m := metadataVersion.FindStringSubmatch(head.Schema)
	switch {
	case m == nil:
		return fmt.Errorf("%w: metadata: unknown $schema %q", ErrInvalid, head.Schema)
	case m[1] == "1":
		return validateWith(metadataSchema, b)
	case m[1] == "2":
		return validateWith(metadataSchema2, b)
	}
	return fmt.Errorf("%w: metadata: version %s.x is not supported (1.x and 2.x are)", ErrInvalid, m[1])
}

func validateWith(schema func() (*jsonschema.Schema, error), b []byte) error {
	sch, err := schema()
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
