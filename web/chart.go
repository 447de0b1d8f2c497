package web

import (
	"fmt"
	"html"
	"strings"

	"gridbot/scoring"
)

// indexSVG draws the grids' 网格运行指数 as horizontal bars, in the order
// given, with a 0–100 scale; each bar's title says its value.
func indexSVG(grids []scoring.GridMonth) []byte {
	const (
		left, barW, rowH, top = 150, 500, 22, 40
	)
	h := top + rowH*len(grids) + 30
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" font-family="sans-serif" font-size="12">`,
		left+barW+60, h, left+barW+60, h)
	b.WriteString(`<style>.bar{fill:#c0392b}.bg{fill:#f3e5e3}.grid{stroke:#ddd}</style>`)
	for x := 0; x <= 100; x += 20 {
		px := left + x*barW/100
		fmt.Fprintf(&b, `<line class="grid" x1="%d" y1="%d" x2="%d" y2="%d"/><text x="%d" y="%d" text-anchor="middle" fill="#666">%d</text>`,
			px, top-6, px, h-30, px, top-10, x)
	}
	fmt.Fprintf(&b, `<text x="0" y="16" font-size="14" font-weight="bold">网格运行指数（0–100）</text>`)
	for i, g := range grids {
		y := top + i*rowH
		w := int(g.Index * barW / 100)
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s</text>`, left-6, y+15, html.EscapeString(g.Grid))
		fmt.Fprintf(&b, `<rect class="bg" x="%d" y="%d" width="%d" height="%d"/>`, left, y+3, barW, rowH-6)
		fmt.Fprintf(&b, `<rect class="bar" x="%d" y="%d" width="%d" height="%d"><title>%s %.1f</title></rect>`,
			left, y+3, w, rowH-6, html.EscapeString(g.Grid), g.Index)
		fmt.Fprintf(&b, `<text x="%d" y="%d">%.1f</text>`, left+w+4, y+15, g.Index)
	}
	b.WriteString(`</svg>`)
	return []byte(b.String())
}
