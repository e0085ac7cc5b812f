// Package backend lets an authority's back-end systems (Fachverfahren that
// do not speak FIT-Connect) fetch applications and report back.
//
// An admin of the tenant registers a client: a name, the services it may
// see, and optionally a webhook address. The client gets an ID and a
// secret (shown once, stored as a hash) and exchanges them for a bearer
// token (OAuth 2.0 client credentials, RFC 6749 §4.4). Every query a token
// allows is bound to the client's tenant and services, so a Dorsten system
// never sees a Gladbeck application, and a dog-tax system never sees a
// parking permit.
//
// New applications are announced to a client's webhook by a River job
// queued in the submit transaction; the announcement carries only the
// application's ID, number, service and time, never the answers, which the
// client fetches with its token.
package backend
