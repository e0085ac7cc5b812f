// Package fitconnect is a FIT-Connect sender: it finds the responsible
// destination through the Routing API, checks everything it is told
// before trusting it, encrypts the application end to end and hands it to
// the Zustelldienst (Submission API), and reads back the case's event log.
//
// What is checked, and where the rule comes from:
//
//   - Routes (GET /routes?leikaKey=&ars=, routing-api.yaml 2.0.0): every
//     destinationSignature is a JWS (PS512) verified against the JWKS of the
//     configured issuer (the Self-Service-Portal), and its payload must name
//     the route's destinationId, the requested service
//     (urn:de:fim:leika:leistung:<key>) and area
//     (urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:rs:<ARS>); its
//     submissionHost must be the configured Zustelldienst.
//     https://docs.fitko.de/fit-connect/docs/sending/get-destination/
//   - Destination keys (GET /v1/destinations/{id}/keys/{kid}): kty RSA,
//     at least 4096 bits, e AQAB, alg RSA-OAEP-256 and key_ops wrapKey for
//     encryption (PS512 and verify for signatures), and an x5c chain that
//     verifies to a configured Verwaltungs-PKI trust anchor. (routing-api.yaml
//     schema "jwk"; git.fitko.de/fit-connect/submission-api commit cd2cac02.)
//     Revocation (OCSP/CRL) is not checked yet.
//   - Encryption: compact JWE, alg RSA-OAEP-256, enc A256GCM, kid of the
//     destination key, cty the media type of the plaintext; no compression.
//     Metadata carries the SHA-512 (hex) of the plain data and of every
//     attachment and must validate against FITKO's metadata schema 1.0.0,
//     embedded in schema/. (docs.fitko.de/fit-connect/docs/sending/metadata)
//   - Event log (GET /v1/cases/{caseId}/events): every Security Event Token
//     must be a PS512 JWS with typ secevent+jwt and a kid; tokens issued by a
//     destination (iss = its UUID) are verified with that destination's
//     signature key, tokens of the Zustelldienst (iss = its URL) with its
//     JWKS at /.well-known/jwks.json.
//     https://docs.fitko.de/fit-connect/docs/getting-started/event-log/overview/
//
// The flow of Client.Send is create (POST /v1/submissions) → upload every
// attachment (PUT …/attachments/{id}, application/jose) → submit (PUT
// /v1/submissions/{id} with encryptedMetadata and encryptedData); see
// reference/standards.md §2.4.
//
// On "end to end": FIT-Connect's early documentation asks that plaintext
// never rests in a backend. The portal is server-rendered, so the
// application is encrypted here, in the portal, right before it leaves;
// the plaintext lives only in the sealed submission store and in memory
// for the duration of one attempt.
//
// Package fitconnecttest holds an in-process FIT-Connect service for
// tests; the public test environment is not reachable from CI.
package fitconnect
