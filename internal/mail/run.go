package mail

import (
	"context"
	"time"
)

// runBatch is how many mails Run sends per round before it looks again.
const runBatch = 100

// Run delivers due mails every interval until ctx is done, for setups
// without a job queue. Wake shortens the wait, so a verification mail goes
// out at once instead of at the next tick. Errors are logged and the loop
// goes on: the database may be back at the next tick.
func (d *Dispatcher) Run(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = 30 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		d.drain(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-d.wake:
		}
	}
}

// drain delivers rounds until fewer than a full batch was due.
func (d *Dispatcher) drain(ctx context.Context) {
	for ctx.Err() == nil {
		sent, failed, err := d.DeliverPending(ctx, runBatch)
		if err != nil {
			if ctx.Err() == nil {
				d.opts.Logger.Error("mail: delivering mails failed", "err", err)
			}
			return
		}
		if sent+failed < runBatch {
			return
		}
	}
}

// Wake asks a running Run loop to look for due mails now. It never blocks;
// call it after the transaction that enqueued a mail has committed.
func (d *Dispatcher) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}
