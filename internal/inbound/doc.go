// Package inbound is the portal's back office as FIT-Connect subscriber:
// applications made elsewhere (a Gewerbeanzeige from the
// Gewerbe-Service-Portal.NRW, say) that reach a tenant's destination
// (Zustellpunkt) land in that tenant's inbox like the portal's own.
//
// Callbacks from the Zustelldienst only say "look now"; a periodic poll
// does the same, so a lost callback delays a submission by minutes, never
// loses it. Each submission is decrypted and checked (fitconnect.Receiver),
// its data checked against its format (XGewerbeanzeige is parsed, JSON
// must be JSON), stored with its attachments as a submission with a case in
// one transaction, and only then confirmed with a signed accept event. A
// faulty one is rejected with the problems found. One encrypted for a key
// the portal lacks waits: the operator can add the key before the
// Zustelldienst's 14-day clock runs out, and the page shows both clocks.
package inbound
