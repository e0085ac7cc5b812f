package delivery

// FileURL exposes the file links that webhooks carry to the tests.
func (s *Service) FileURL(d Delivery, attachmentID string) string { return s.fileURL(d, attachmentID) }
