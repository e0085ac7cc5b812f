// Package identity holds the portal's accounts and everything that proves
// who is asking: passwords (argon2id), e-mail verification and password
// reset tokens, TOTP with recovery codes, server-side sessions, login
// throttling, role grants and the one place where permissions are decided
// (Authorizer.Can). It knows no HTTP; the web layer calls Service.
//
// Decisions, documented as OWASP ASVS 5.0 asks (v5.0.0-7.3.1, 7.3.2,
// 6.1.1):
//
//   - Session timeouts: staff sessions end after 30 minutes without a
//     request and at the latest 12 hours after login (NIST SP 800-63B AAL2
//     limits; a working day). Citizen sessions end after 60 minutes idle and
//     12 hours absolute, the "Basis" row of the public-sector guideline in
//     reference/standards.md §5.2; a citizen filling a long form keeps the
//     session alive with every step. A login waiting for its second factor
//     lives 10 minutes. All four are configurable (Timeouts).
//   - Throttling: failures are counted per e-mail address (hashed, so it
//     works the same for accounts that do not exist) and per client network
//     (IPv4 address or IPv6 /64). After 5 failures per address, resp. 20 per
//     network (a town hall sits behind one NAT), each further attempt waits
//     twice as long as the last, from 1 second up to 15 minutes. Counters
//     decay after 24 hours without failures; a successful login clears the
//     address counter. Nobody is locked out for good.
//   - Admins do not implicitly see citizen data: region and operator admins
//     manage tenants and staff, but reading or processing cases needs a
//     caseworker grant in that tenant (which they can give themselves, and
//     which the audit log records).
package identity
