package ui

import (
	"net/http"

	"github.com/serviceportal/serviceportal/internal/web/request"
)

func requestCSRF(r *http.Request) string { return request.From(r).CSRF }
