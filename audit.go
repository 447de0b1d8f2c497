package gridbot

import "time"

// Audit actions: what the office (or a member correcting their own record)
// did that changes results after the fact. Each is kept with who, when and
// why, so the office can list and export them (gridbot audit).
const (
	AuditWithdraw  = "withdraw"  // 撤回: a record no longer counts
	AuditReassign  = "reassign"  // 改派: an issue moved to another member
	AuditExclude   = "exclude"   // 取消排名: a member kept out of a month's ranking
	AuditRestore   = "restore"   // 恢复排名: that undone
	AuditPublish   = "publish"   // 确认发布 / gridbot publish
	AuditUnpublish = "unpublish" // 撤销发布 / gridbot unpublish
)

// AuditActionName is the Chinese word for an audit action, as the office reads it.
func AuditActionName(action string) string {
	switch action {
	case AuditWithdraw:
		return "撤回"
	case AuditReassign:
		return "改派"
	case AuditExclude:
		return "取消排名"
	case AuditRestore:
		return "恢复排名"
	case AuditPublish:
		return "发布"
	case AuditUnpublish:
		return "撤销发布"
	}
	return action
}

// AuditEntry is one line of a town's audit log. It is written in the
// transaction of the change it records and never changed or deleted.
type AuditEntry struct {
	ID     int64
	TownID int64
	At     time.Time
	By     string // the user id of who did it; "cli" for the command line
	Action string // one of the Audit* actions
	Ref    string // what it is about: "问题#12", "活动#7", "2026-10", "U001 2026-10"
	Reason string // why, as given; may be empty where no reason is asked for
	Detail string // anything else worth keeping (the old assignee, the period's kind)
}

// Audit is the part of a transaction that keeps the audit log.
type Audit interface {
	// AddAudit appends e and fills in its ID. EINVALID when the action is
	// unknown or By or Ref is empty.
	AddAudit(e *AuditEntry) error
	// AuditLog returns the town's entries in [from, to), oldest first; a
	// zero from or to leaves that side open.
	AuditLog(townID int64, from, to time.Time) ([]AuditEntry, error)
}

// ValidAuditAction reports whether a is one of the Audit* actions.
func ValidAuditAction(a string) bool {
	switch a {
	case AuditWithdraw, AuditReassign, AuditExclude, AuditRestore, AuditPublish, AuditUnpublish:
		return true
	}
	return false
}

// Validate refuses an entry without a known action, an author or a subject.
func (e AuditEntry) Validate() error {
	if !ValidAuditAction(e.Action) || e.By == "" || e.Ref == "" {
		return Errorf(EINVALID, "审计记录不完整（操作「%s」、操作人「%s」、对象「%s」）。", e.Action, e.By, e.Ref)
	}
	return nil
}
