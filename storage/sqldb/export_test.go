package sqldb

// The queries of PeriodFacts whose plans matter most, for plan_test.go.
var (
	CheckinDaysQuery = checkinDaysQuery
	CheckinDaysRange = checkinDaysRange
	ParticipantsList = listOf("activity_participants", "activity_id", "activities")
)
