package present

import (
	"fmt"
	"strings"

	"gridbot/scoring"
)

// Tier is a ranking tier of the rules in force as people read it.
type Tier struct {
	Name     string // the code in results and payouts: "star", "300", "100"
	Label    string // the rules file's label, or Places: "月度网格之星", "第4-10名"
	From, To int    // the places, 1-based, inclusive
	Yuan     int    // the reward per person
}

// Places writes the tier's places: "第6-20名", "第1名".
func (t Tier) Places() string {
	if t.From == t.To {
		return fmt.Sprintf("第%d名", t.From)
	}
	return fmt.Sprintf("第%d-%d名", t.From, t.To)
}

// Title is the label with what it does not say itself of the places and the
// amount: "月度网格之星（第1-5名，500元）", "300元奖励（第6-20名）", "第4-10名（200元）".
func (t Tier) Title() string {
	var more []string
	if t.From > 0 && !strings.Contains(t.Label, t.Places()) {
		more = append(more, t.Places())
	}
	if amount := fmt.Sprintf("%d元", t.Yuan); t.Yuan > 0 && !strings.Contains(t.Label, amount) {
		more = append(more, amount)
	}
	if len(more) == 0 {
		return t.Label
	}
	return t.Label + "（" + strings.Join(more, "，") + "）"
}

// Tiers returns the tiers of the rules, in order.
func Tiers(r *scoring.Rules) []Tier {
	out := make([]Tier, 0, len(r.Ranking.Tiers))
	from := 1
	for _, t := range r.Ranking.Tiers {
		pt := Tier{Name: t.Name, Label: t.Label, From: from, To: t.ToPlace, Yuan: t.Yuan}
		if pt.Label == "" {
			pt.Label = pt.Places()
		}
		out = append(out, pt)
		from = t.ToPlace + 1
	}
	return out
}

// tierNamed finds a tier by its code; nil for "none". A code the rules no
// longer have (a month published under last year's rules) is shown as itself.
func tierNamed(tiers []Tier, name string) *Tier {
	if name == "" || name == scoring.TierNone {
		return nil
	}
	for i := range tiers {
		if tiers[i].Name == name {
			return &tiers[i]
		}
	}
	return &Tier{Name: name, Label: name}
}
