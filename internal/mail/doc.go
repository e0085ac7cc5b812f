// Package mail sends the portal's e-mails through a transactional outbox.
//
// A use case that causes an e-mail (registration, password reset, receipt,
// status change) calls Outbox.Enqueue with the context of its own
// transaction: the mail row commits or rolls back together with the
// business change, so a citizen never gets a receipt for an application that
// does not exist, and no receipt is lost when the process dies after the
// commit. A Dispatcher later claims pending rows, hands them to a Sender and
// records the outcome (sent, failed with a planned retry, or kept).
//
// # E-mails carry a link, never application data
//
// E-mail is unencrypted on most of its way and ends up in mailboxes the
// authority does not control. An e-mail from the portal therefore says that
// something happened and links to the portal, where the citizen logs in or
// uses the secret status link; it never contains form answers, attachments,
// decisions or other application data. CheckBody enforces a short body
// (MaxBodyRunes) so that nobody is tempted to paste an application into a
// message; Enqueue applies it to every message.
//
// # Delivery
//
// SMTPSender delivers through a real SMTP client library (go-mail) with
// STARTTLS or TLS on connect. Without an SMTP host (the demo) KeepSender
// sends nothing and the Dispatcher marks mails "kept", so administrators can
// read them on the "Ausgehende E-Mails" page and the demo journey stays
// complete. Delivery is at least once: if the process dies after the server
// accepted a mail but before the outcome was recorded, the mail is sent
// again once its claim expires; it keeps its Message-ID, so mail systems can
// recognise the duplicate.
package mail
