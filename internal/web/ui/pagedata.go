package ui

import "github.com/serviceportal/serviceportal/internal/web/page"

func pageData(title string, view any) page.Data { return page.Data{Title: title, View: view} }
