package ui

import (
	"net/http"

	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/web/page"
	"github.com/serviceportal/serviceportal/internal/web/request"
)

// topicView is one Themenfeld with its Lebenslagen and services.
type topicView struct {
	Topic  catalog.Topic
	Topics []catalog.Topic
}

func (h *Handler) topicShow(w http.ResponseWriter, r *http.Request) {
	offers, err := h.catalog.Offers(r.Context(), request.From(r).Tenant)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	topics := catalog.Topics(offers)
	for _, t := range topics {
		if t.Slug == r.PathValue("topic") {
			h.pages.Render(w, r, http.StatusOK, "topic", page.Data{Title: t.Name, View: topicView{Topic: t, Topics: topics}})
			return
		}
	}
	h.notFound(w, r)
}
