package console

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"

	"github.com/ec2x/ec2x/core/api"
	"github.com/ec2x/ec2x/core/ec2"
)

//go:embed assets/pages/*.html
var pageFiles embed.FS

//go:embed assets/static
var staticFiles embed.FS

// Page is one page of the console: its route and template.
type Page struct {
	Pattern string // ServeMux pattern after "GET "
	Name    string // template (assets/pages/NAME.html) and nav key
	Title   string
}

// pageList is every page, in the navigation's order; those with a Nav
// title are in the navigation.
var pageList = []Page{
	{"/instances", "instances", "Instances"},
	{"/launch", "launch", "Launch an instance"},
	{"/instances/{id}", "instance", "Instance"},
	{"/addresses", "addresses", "Elastic IPs"},
	{"/interfaces", "interfaces", "Network interfaces"},
	{"/security-groups", "groups", "Security groups"},
	{"/costs", "costs", "Costs"},
}

// pageData is what a page's template sees.
type pageData struct {
	Title, Page, Region, CSRF, ID string
	Regions                       []string
	Nav                           []Page
}

// pages are the parsed templates: the layout with each page's content.
type pages struct {
	byName map[string]*template.Template
	msg    *template.Template
}

func loadPages() *pages {
	p := &pages{byName: map[string]*template.Template{}}
	layout := template.Must(template.ParseFS(pageFiles, "assets/pages/layout.html"))
	for _, pg := range pageList {
		p.byName[pg.Name] = template.Must(template.Must(layout.Clone()).ParseFS(pageFiles, "assets/pages/"+pg.Name+".html"))
	}
	p.msg = template.Must(template.ParseFS(pageFiles, "assets/pages/message.html"))
	return p
}

// nav is the navigation bar's pages.
var nav = []Page{pageList[0], pageList[1], pageList[3], pageList[4], pageList[5], pageList[6]}

// page serves one page to a logged-in browser; a stranger gets the login
// notice.
func (c *Console) page(pg Page) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s, _, err := c.session(r)
		if err != nil {
			c.pages.message(w, http.StatusUnauthorized, "Log in", err.(*ec2.Error).Message)
			return
		}
		region := r.URL.Query().Get("region")
		if region == "" {
			region = c.o.Region
		}
		d := pageData{Title: pg.Title, Page: pg.Name, Region: region, CSRF: s.csrf, ID: r.PathValue("id"), Nav: nav, Regions: c.regions(r)}
		var buf bytes.Buffer
		if err := c.pages.byName[pg.Name].ExecuteTemplate(&buf, "layout", d); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(buf.Bytes())
	}
}

// regions lists the account's regions for the switcher, through the table
// as every other call.
func (c *Console) regions(r *http.Request) []string {
	d, ok := c.o.Table.Lookup("DescribeRegions")
	if !ok {
		return []string{c.o.Region}
	}
	out, err := d.Call(r.Context(), c.o.Region, &ec2.DescribeRegionsInput{})
	if err != nil {
		return []string{c.o.Region}
	}
	var names []string
	for _, rg := range out.(*ec2.DescribeRegionsOutput).Regions {
		names = append(names, rg.RegionName)
	}
	return names
}

// message writes a page of one message (login refused, logged out).
func (p *pages) message(w http.ResponseWriter, status int, title, msg string) {
	var buf bytes.Buffer
	if err := p.msg.Execute(&buf, struct{ Title, Message string }{title, msg}); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// staticHandler serves the embedded scripts and styles.
func staticHandler() http.Handler {
	sub, err := fs.Sub(staticFiles, "assets")
	if err != nil {
		panic(err)
	}
	return http.FileServerFS(sub)
}

// writeError answers an API call with EC2's error body, as the socket does.
func writeError(w http.ResponseWriter, e *ec2.Error) {
	var body api.ErrorBody
	body.Error.Code, body.Error.Message = e.Code, e.Message
	data, err := json.Marshal(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	status := ec2.HTTPStatus(e.Code)
	if errors.Is(e, errNoSession) || errors.Is(e, errBadCSRF) || errors.Is(e, errOrigin) {
		status = http.StatusForbidden
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(status)
	_, _ = w.Write(data)
}
