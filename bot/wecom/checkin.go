package wecom

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"
)

// Limits of getcheckindata (document path/90262): at most 100 users and 30
// days per request.
const (
	CheckinMaxUsers = 100
	CheckinMaxSpan  = 30 * 24 * time.Hour
)

// Exception types of a check-in record (exception_type; several are joined
// by ";").
const (
	CheckinNotCheckedIn = "未打卡"  // a punch the schedule expected and nobody made
	CheckinOffSite      = "地点异常" // punched outside the check-in app's geofence
	CheckinLate         = "时间异常"
)

// CheckinRecord is one record of the WeCom check-in app, as
// POST /cgi-bin/checkin/getcheckindata answers it.
type CheckinRecord struct {
	UserID         string `json:"userid"`
	GroupName      string `json:"groupname"`
	CheckinType    string `json:"checkin_type"`   // 上班打卡, 下班打卡 or 外出打卡
	ExceptionType  string `json:"exception_type"` // "" when none
	CheckinTime    int64  `json:"checkin_time"`   // unix seconds
	LocationTitle  string `json:"location_title"`
	LocationDetail string `json:"location_detail"`
	// Lat and Lng are degrees times 1,000,000 (GCJ-02, as Tencent Maps); 0 when unknown.
	Lat            int64 `json:"lat"`
	Lng            int64 `json:"lng"`
	SchCheckinTime int64 `json:"sch_checkin_time"`
}

// Exceptions returns the record's exception types.
func (r CheckinRecord) Exceptions() []string {
	var out []string
	for _, e := range strings.FieldsFunc(r.ExceptionType, func(c rune) bool { return c == ';' || c == '；' }) {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// HasException reports whether the record carries exception type kind.
func (r CheckinRecord) HasException(kind string) bool {
	for _, e := range r.Exceptions() {
		if e == kind {
			return true
		}
	}
	return false
}

// CheckinClient reads the check-in app's records. Its access token comes
// from GET /cgi-bin/gettoken with a secret that may call the check-in API:
// the check-in app's own secret (打卡 → API), or, for a corp created after
// 2023-12-01 where WeCom no longer accepts that one, the secret of a
// self-built app listed under 打卡 → 可调用接口的应用. One token serves a
// client's life (a sync run); it is fetched again once when WeCom says it
// is invalid or expired.
type CheckinClient struct {
	HTTP    *resty.Client
	BaseURL string // GRIDBOT_WECOM_API_BASE, without a trailing slash
	CorpID  string
	Secret  string

	token string
}

// Records returns every record of users in [from, to), asking at most
// CheckinMaxUsers users and CheckinMaxSpan at a time. Any failed request
// fails the whole call: the caller stores all or nothing.
func (c *CheckinClient) Records(ctx context.Context, from, to time.Time, users []string) ([]CheckinRecord, error) {
	var out []CheckinRecord
	for start := from; start.Before(to); start = start.Add(CheckinMaxSpan) {
		end := start.Add(CheckinMaxSpan)
		if end.After(to) {
			end = to
		}
		for i := 0; i < len(users); i += CheckinMaxUsers {
			batch := users[i:min(i+CheckinMaxUsers, len(users))]
			recs, err := c.records(ctx, start, end, batch)
			if err != nil {
				return nil, err
			}
			out = append(out, recs...)
		}
	}
	return out, nil
}

// checkinRequest is getcheckindata's body. opencheckindatatype 3 asks for
// every kind of punch (on and off duty, and 外出打卡); endtime is inclusive.
type checkinRequest struct {
	OpenCheckinDataType int      `json:"opencheckindatatype"`
	StartTime           int64    `json:"starttime"`
	EndTime             int64    `json:"endtime"`
	UserIDList          []string `json:"useridlist"`
}

func (c *CheckinClient) records(ctx context.Context, from, to time.Time, users []string) ([]CheckinRecord, error) {
	body, err := json.Marshal(checkinRequest{3, from.Unix(), to.Unix() - 1, users})
	if err != nil {
		return nil, err
	}
	for retried := false; ; retried = true {
		tok, err := c.accessToken(ctx)
		if err != nil {
			return nil, err
		}
		resp, err := c.HTTP.R().SetContext(ctx).SetHeader("Content-Type", "application/json").SetBody(body).
			Post(c.BaseURL + "/cgi-bin/checkin/getcheckindata?access_token=" + url.QueryEscape(tok))
		if err != nil {
			return nil, checkinStripURL(err)
		}
		err = CheckResponse(resp.StatusCode(), resp.Body())
		var apiErr *APIError
		if errors.As(err, &apiErr) && apiErr.TokenExpired() && !retried {
			c.token = ""
			continue
		} else if err != nil {
			return nil, err
		}
		var r struct {
			CheckinData []CheckinRecord `json:"checkindata"`
		}
		if err := json.Unmarshal(resp.Body(), &r); err != nil {
			return nil, &APIError{HTTPStatus: resp.StatusCode(), Msg: "getcheckindata answered malformed checkindata"}
		}
		return r.CheckinData, nil
	}
}

// accessToken returns the client's token, fetching it on first use.
func (c *CheckinClient) accessToken(ctx context.Context) (string, error) {
	if c.token != "" {
		return c.token, nil
	}
	if c.CorpID == "" || c.Secret == "" {
		return "", errors.New("wecom: check-in client without corp id or secret")
	}
	resp, err := c.HTTP.R().SetContext(ctx).
		SetQueryParams(map[string]string{"corpid": c.CorpID, "corpsecret": c.Secret}).
		Get(c.BaseURL + "/cgi-bin/gettoken")
	if err != nil {
		return "", checkinStripURL(err)
	}
	if err := CheckResponse(resp.StatusCode(), resp.Body()); err != nil {
		return "", err
	}
	var r struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(resp.Body(), &r); err != nil || r.AccessToken == "" {
		return "", &APIError{HTTPStatus: resp.StatusCode(), Msg: "gettoken answered no access_token"}
	}
	c.token = r.AccessToken
	return c.token, nil
}

// checkinStripURL drops the URL (it carries the secret or the token) from a
// transport error.
func checkinStripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("wecom: %s: %w", ue.Op, ue.Err)
	}
	return err
}
