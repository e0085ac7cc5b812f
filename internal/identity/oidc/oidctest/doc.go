// Package oidctest runs a small OpenID Provider in the test process, for
// tests only: it signs in whichever user the test chose, without a login
// form, and keeps everything in memory. Never use it in the portal itself.
//
// It is built on zitadel/oidc's op package, so the relying party talks to
// a real provider: discovery, authorization code flow with PKCE, signed ID
// tokens with nonce, acr and amr.
//
//	op := oidctest.Start(t)
//	op.AddClient(oidctest.Client{ID: "portal", Secret: "s", RedirectURIs: []string{cb}})
//	op.SignInAs(oidctest.User{Subject: "bpk2-1", Email: "e@example.org", EmailVerified: true, ACR: "STORK-QAA-Level-4"})
package oidctest
