package web

import (
	"context"
	"errors"
)

// PollRemoteStatus asks the receivers (FIT-Connect) about every tenant's
// delivered applications, one tenant at a time, and tells citizens what
// the authority did. It returns how many were told.
func (u *UseCases) PollRemoteStatus(ctx context.Context) (int, error) {
	tenants, err := u.Tenants.List(ctx)
	if err != nil {
		return 0, err
	}
	told := 0
	var errs []error
	for _, t := range tenants {
		n, err := u.Delivery.PollRemote(ctx, t.ID)
		told += n
		if err != nil {
			errs = append(errs, err)
		}
	}
	return told, errors.Join(errs...)
}
