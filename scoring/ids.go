package scoring

// Rule IDs, as numbered in spec/rules.md. Items, tests and the rules file name
// rules by these IDs.
const (
	RBase           = "R-BASE"
	RAttFull        = "R-ATT-FULL"
	RAtt20          = "R-ATT-20"
	RAttLow         = "R-ATT-LOW"
	RPubTown        = "R-PUB-TOWN"
	RPubCounty      = "R-PUB-COUNTY"
	RPubCity        = "R-PUB-CITY"
	RPubProv        = "R-PUB-PROV"
	RPubHalf        = "R-PUB-HALF"
	RDelib          = "R-DELIB"
	RGridIssues     = "R-GRID-ISSUES"
	RGridActs       = "R-GRID-ACTS"
	ROverdue24H     = "R-OVERDUE-24H"
	ROverdue7D      = "R-OVERDUE-7D"
	ROverdueClose   = "R-OVERDUE-CLOSE" // the optional closing target; off in 2020
	RAdj            = "R-ADJ"
	RRankElig       = "R-RANK-ELIG"
	RRankTier       = "R-RANK-TIER"
	RRankTie        = "R-RANK-TIE"
	RQTeam          = "R-Q-TEAM"
	RQPubCash       = "R-Q-PUB-CASH"
	RQPhoto         = "R-Q-PHOTO"
	RQStory         = "R-Q-STORY"
	RQAward         = "R-Q-AWARD"
	RYGrid          = "R-Y-GRID"
	RYVillage       = "R-Y-VILLAGE"
	RYVillageTop    = "R-Y-VILLAGE-TOP"
	RYVillageBottom = "R-Y-VILLAGE-BOTTOM"
	RYLeaders       = "R-Y-LEADERS"
	RYMembers       = "R-Y-MEMBERS"
	RYParty         = "R-Y-PARTY"
	RYSantong       = "R-Y-SANTONG"
	RStoryVillage   = "R-STORY-VILLAGE"
	RActCat         = "R-ACT-CAT"
)

// itemOrder is the order of item families in a breakdown: the order of the
// scheme's table.
var itemOrder = map[string]int{
	RBase: 1, RAttFull: 2, RAtt20: 2, RAttLow: 3, RPubTown: 4, RPubCounty: 4, RPubCity: 4,
	RPubProv: 4, RPubHalf: 4, RDelib: 5, RGridIssues: 6, RGridActs: 7, ROverdue24H: 8,
	ROverdue7D: 8, ROverdueClose: 8, RAdj: 9,
}

// Payout kinds besides the ranking tiers (whose kind is the tier name).
const (
	PayTeam      = "team"
	PayPublicity = "publicity"
	PayPhoto     = "photo"
	PayStory     = "story"
)

// Yearly awards.
const (
	AwardLeader = "excellent_leader"
	AwardMember = "excellent_member"
	AwardNone   = "none"
)

// Party flags of R-Y-PARTY.
const (
	FlagTraining = "优先入党培养对象" // a non-party member
	FlagAdvanced = "先进党员建议人选" // a party member
)
