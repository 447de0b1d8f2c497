package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	qrcode "github.com/skip2/go-qrcode"

	"gridbot"
	"gridbot/handlers"
)

// QRSVG draws the QR code of url as SVG: one path of dark modules, crisp at
// any print size, no image file.
func QRSVG(url string) (template.HTML, error) {
	q, err := qrcode.New(url, qrcode.Medium)
	if err != nil {
		return "", err
	}
	bm := q.Bitmap() // with its quiet zone
	n := len(bm)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges" class="qr" role="img" aria-label="二维码"><rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n, n, n)
	for y, row := range bm {
		for x, dark := range row {
			if dark {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x, y)
			}
		}
	}
	b.WriteString(`"/></svg>`)
	return template.HTML(b.String()), nil // only digits and fixed markup
}

// poster is one grid's poster.
type poster struct {
	Grid    gridbot.Grid
	Leaders []gridbot.Person
	URL     string
	QR      template.HTML
}

// posters prints one grid's A4 poster (/office/posters/{grid}) or the whole
// town's on one sheet (/office/posters).
func (s *Server) posters(w http.ResponseWriter, r *http.Request, ss *session) {
	only, _ := strconv.ParseInt(r.PathValue("grid"), 10, 64)
	var out []poster
	base := s.d.Pipe.Handler.BaseURL()
	err := s.d.Store.Update(r.Context(), func(tx gridbot.Tx) error {
		links, err := EnsureLinks(tx, ss.TownID, s.d.Clock.Now())
		if err != nil {
			return err
		}
		grids, err := tx.Grids(ss.TownID)
		if err != nil {
			return err
		}
		people, err := tx.People(ss.TownID)
		if err != nil {
			return err
		}
		for _, g := range grids {
			if only != 0 && g.ID != only {
				continue
			}
			p := poster{Grid: g, URL: base + "/v/" + links[g.ID].Token}
			for _, m := range people {
				if m.Active && m.GridID == g.ID && m.Role == gridbot.RoleLeader {
					p.Leaders = append(p.Leaders, m)
				}
			}
			if p.QR, err = QRSVG(p.URL); err != nil {
				return err
			}
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(out) == 0 {
		s.notFound(w)
		return
	}
	ss.Nav = "posters"
	name := "posters"
	if only != 0 {
		name = "poster"
	}
	s.render(w, http.StatusOK, name, page{Title: "网格码海报", Office: ss, Data: out})
}

// EnsureLinks gives every grid of the town without a villager link one, and
// returns the working links by grid id.
func EnsureLinks(tx gridbot.Tx, townID int64, at time.Time) (map[int64]gridbot.GridLink, error) {
	links, err := tx.GridLinks(townID)
	if err != nil {
		return nil, err
	}
	grids, err := tx.Grids(townID)
	if err != nil {
		return nil, err
	}
	for _, g := range grids {
		if _, ok := links[g.ID]; ok {
			continue
		}
		l := gridbot.GridLink{TownID: townID, GridID: g.ID, Token: handlers.NewToken(), At: at}
		if err := tx.SetGridLink(l); err != nil {
			return nil, err
		}
		links[g.ID] = l
	}
	return links, nil
}

// RotateLink replaces a grid's villager link: the old one stops working.
func RotateLink(tx gridbot.Tx, townID, gridID int64, at time.Time) (gridbot.GridLink, error) {
	l := gridbot.GridLink{TownID: townID, GridID: gridID, Token: handlers.NewToken(), At: at}
	return l, tx.SetGridLink(l)
}
