package qslocal

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/qslocal/qslocal/api"
)

// Self-upgrade requests are filed by users in the QuickSight console, which
// the API cannot do: qslocal files them through RequestSelfUpgrade (served
// at /_qslocal/..., see restjson). Administrators approve, deny or verify
// them with UpdateSelfUpgrade; an approval changes the user's role in the
// same transaction that records it, so no reader ever sees one without the
// other.
//
// Statuses: a request starts PENDING (or APPROVED at once when the
// namespace is set to AUTO_APPROVAL). APPROVE takes PENDING to APPROVED, or
// to UPDATE_FAILED when the user no longer exists. DENY takes PENDING,
// UPDATE_FAILED or VERIFY_FAILED to DENIED. VERIFY checks an APPROVED
// request (still APPROVED when the user holds the requested role, else
// VERIFY_FAILED) and retries a failed one (APPROVED when the user exists
// again, else VERIFY_FAILED). Any other transition is
// PreconditionNotMetException, so of two administrators deciding the same
// request at once exactly one succeeds.

// selfUpgradeStatus is a namespace's configuration; until one is set, the
// default the user guide gives for the account's authentication method:
// administrators approve in Active Directory and IAM Identity Center
// accounts, and upgrades go through by themselves where identities come
// from a federated identity provider (IAM_ONLY). For IAM and QuickSight
// users, which the guide does not name, administrators approve.
func (s *Service) selfUpgradeStatus(ctx context.Context, tx Tx, account, ns string) (api.SelfUpgradeStatus, error) {
	status, err := tx.SelfUpgradeStatus(ctx, account, ns)
	if err != nil || status != "" {
		return api.SelfUpgradeStatus(status), err
	}
	st, err := s.account(ctx, tx, account)
	if err != nil {
		return "", err
	}
	if st.Method == string(api.AuthenticationMethodOptionIamOnly) {
		return api.SelfUpgradeStatusAutoApproval, nil
	}
	return api.SelfUpgradeStatusAdminApproval, nil
}

// upgradePaths are the self-upgrades the user guide lists, from role to
// requested role (docs/behaviour.md): Reader to Reader Pro (Professional),
// Reader Pro to Author Pro (Enterprise), Reader to Author and Author to
// Author Pro. Nothing leads to an admin role, and nothing down.
var upgradePaths = map[[2]api.UserRole]bool{
	{api.UserRoleReader, api.UserRoleReaderPro}:    true,
	{api.UserRoleReaderPro, api.UserRoleAuthorPro}: true,
	{api.UserRoleReader, api.UserRoleAuthor}:       true,
	{api.UserRoleAuthor, api.UserRoleAuthorPro}:    true,
}

func isUpgrade(from, to string) bool {
	return upgradePaths[[2]api.UserRole{api.UserRole(from), api.UserRole(to)}]
}

// upgradeRequestID makes a version 7 UUID whose first 60 bits are the
// time (milliseconds, then microseconds within the millisecond in place of
// random bits, as RFC 9562 allows), so listings in id order come in the
// order requests were filed.
func upgradeRequestID(now time.Time) string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	var ms [8]byte
	binary.BigEndian.PutUint64(ms[:], uint64(now.UnixMilli()))
	copy(b[:6], ms[2:])
	us := uint16(now.UnixMicro() % 1000)
	b[6] = 0x70 | byte(us>>8)
	b[7] = byte(us)
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func upgradeRequestNotFound(id, ns string) *Error {
	return errorf(CodeResourceNotFound, "", "Self-upgrade request %s not found in namespace %s.", id, ns)
}

func upgradeDetail(r UpgradeRequest) *api.SelfUpgradeRequestDetail {
	d := &api.SelfUpgradeRequestDetail{
		UpgradeRequestId:        ptr(r.ID),
		UserName:                ptr(r.UserName),
		OriginalRole:            ptr(api.UserRole(r.OriginalRole)),
		RequestedRole:           ptr(api.UserRole(r.RequestedRole)),
		RequestNote:             optional(r.Note),
		CreationTime:            ptr(r.CreatedAt.UnixMilli()),
		RequestStatus:           ptr(api.SelfUpgradeRequestStatus(r.Status)),
		LastUpdateFailureReason: optional(r.FailureReason),
	}
	if !r.LastAttempt.IsZero() {
		d.LastUpdateAttemptTime = ptr(r.LastAttempt.UnixMilli())
	}
	return d
}

// userGone is why a request whose user was deleted cannot be applied.
func userGone(r *UpgradeRequest) string {
	return fmt.Sprintf("User %s no longer exists in namespace %s.", r.UserName, r.Namespace)
}

// applyUpgrade gives the user the requested role within tx and records the
// attempt: APPROVED, or failed with status failed when the user is gone or
// the role is no longer an upgrade path from the user's (an administrator
// changed it since the request was filed): approving never lowers a role.
func applyUpgrade(ctx context.Context, tx Tx, r *UpgradeRequest, failed api.SelfUpgradeRequestStatus, now time.Time) error {
	r.LastAttempt = now
	u, err := tx.User(ctx, r.Account, r.Namespace, r.UserName)
	if errors.Is(err, ErrNotFound) {
		r.Status, r.FailureReason = string(failed), userGone(r)
		return nil
	}
	if err != nil {
		return err
	}
	switch {
	case u.Role == r.RequestedRole: // nothing left to change
	case isUpgrade(u.Role, r.RequestedRole):
		u.Role, u.UpdatedAt = r.RequestedRole, now
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
	default:
		r.Status, r.FailureReason = string(failed), fmt.Sprintf("User %s now has role %s, and %s is not a self-upgrade path from it.", r.UserName, u.Role, r.RequestedRole)
		return nil
	}
	r.Status, r.FailureReason = string(api.SelfUpgradeRequestStatusApproved), ""
	return nil
}

// RequestSelfUpgrade files a user's request for a higher role, as the user
// would in the QuickSight console. The user must exist, the role must be on
// one of upgradePaths from the user's, and a user has at most one PENDING
// request (ConflictException). Under AUTO_APPROVAL the request is approved
// at once.
func (s *Service) RequestSelfUpgrade(ctx context.Context, account, ns, user, role, note string) (*api.SelfUpgradeRequestDetail, error) {
	now := s.now()
	r := UpgradeRequest{Account: account, Namespace: ns, ID: upgradeRequestID(now), UserName: user,
		RequestedRole: role, Note: note, Status: string(api.SelfUpgradeRequestStatusPending), CreatedAt: now}
	err := s.update(ctx, account, func(tx Tx) error {
		u, err := lookupUser(ctx, tx, account, ns, user)
		if err != nil {
			return err
		}
		if !isUpgrade(u.Role, role) {
			return invalidParameter("RequestedRole: %s is not a self-upgrade path from %s's role %s; the paths are READER to READER_PRO or AUTHOR, READER_PRO to AUTHOR_PRO, and AUTHOR to AUTHOR_PRO.", role, user, u.Role)
		}
		pending, err := tx.ListUpgradeRequests(ctx, account, ns, user, string(api.SelfUpgradeRequestStatusPending), "", 1)
		if err != nil {
			return err
		}
		if len(pending) > 0 {
			return errorf(CodeConflict, "", "User %s already has a pending self-upgrade request, %s.", user, pending[0].ID)
		}
		r.OriginalRole = u.Role
		config, err := s.selfUpgradeStatus(ctx, tx, account, ns)
		if err != nil {
			return err
		}
		if config == api.SelfUpgradeStatusAutoApproval {
			if err := applyUpgrade(ctx, tx, &r, api.SelfUpgradeRequestStatusUpdateFailed, now); err != nil {
				return err
			}
		}
		return tx.CreateUpgradeRequest(ctx, r)
	})
	if err != nil {
		return nil, err
	}
	return upgradeDetail(r), nil
}

// UpdateSelfUpgrade approves, denies or verifies a request (see the
// statuses above).
func (s *Service) UpdateSelfUpgrade(ctx context.Context, in *api.UpdateSelfUpgradeRequest) (*api.UpdateSelfUpgradeResponse, error) {
	now := s.now()
	account, ns, id, action := *in.AwsAccountId, *in.Namespace, *in.UpgradeRequestId, *in.Action
	var r UpgradeRequest
	err := s.update(ctx, account, func(tx Tx) (err error) {
		if _, err := s.readyNamespace(ctx, tx, account, ns, now); err != nil {
			return err
		}
		r, err = tx.UpgradeRequest(ctx, account, ns, id)
		if errors.Is(err, ErrNotFound) {
			return upgradeRequestNotFound(id, ns)
		}
		if err != nil {
			return err
		}
		if err := decideUpgrade(ctx, tx, &r, action, now); err != nil {
			return err
		}
		return tx.UpdateUpgradeRequest(ctx, r)
	})
	if err != nil {
		return nil, err
	}
	return &api.UpdateSelfUpgradeResponse{SelfUpgradeRequestDetail: upgradeDetail(r)}, nil
}

// decideUpgrade applies an administrator's action to r within tx.
func decideUpgrade(ctx context.Context, tx Tx, r *UpgradeRequest, action api.SelfUpgradeAdminAction, now time.Time) error {
	status := api.SelfUpgradeRequestStatus(r.Status)
	refuse := func() error {
		return errorf(CodePreconditionNotMet, "", "Cannot %s self-upgrade request %s: it is %s.", action, r.ID, status)
	}
	failed := status == api.SelfUpgradeRequestStatusUpdateFailed || status == api.SelfUpgradeRequestStatusVerifyFailed
	switch action {
	case api.SelfUpgradeAdminActionApprove:
		if status != api.SelfUpgradeRequestStatusPending {
			return refuse()
		}
		return applyUpgrade(ctx, tx, r, api.SelfUpgradeRequestStatusUpdateFailed, now)
	case api.SelfUpgradeAdminActionDeny:
		if status != api.SelfUpgradeRequestStatusPending && !failed {
			return refuse()
		}
		r.Status, r.FailureReason = string(api.SelfUpgradeRequestStatusDenied), ""
		return nil
	case api.SelfUpgradeAdminActionVerify:
		switch {
		case failed:
			return applyUpgrade(ctx, tx, r, api.SelfUpgradeRequestStatusVerifyFailed, now)
		case status == api.SelfUpgradeRequestStatusApproved:
			r.LastAttempt = now
			u, err := tx.User(ctx, r.Account, r.Namespace, r.UserName)
			switch {
			case errors.Is(err, ErrNotFound):
				r.Status, r.FailureReason = string(api.SelfUpgradeRequestStatusVerifyFailed), userGone(r)
			case err != nil:
				return err
			case u.Role != r.RequestedRole:
				r.Status, r.FailureReason = string(api.SelfUpgradeRequestStatusVerifyFailed), fmt.Sprintf("User %s has role %s, not %s.", r.UserName, u.Role, r.RequestedRole)
			}
			return nil
		}
		return refuse()
	}
	return invalidParameter("Action: %q is not APPROVE, DENY or VERIFY.", action)
}

// ListSelfUpgrades lists a namespace's self-upgrade requests, oldest
// first, a page at a time.
func (s *Service) ListSelfUpgrades(ctx context.Context, in *api.ListSelfUpgradesRequest) (*api.ListSelfUpgradesResponse, error) {
	account, ns := *in.AwsAccountId, *in.Namespace
	l := listing{account: account, kind: "selfupgrades", scope: account + "/" + ns}
	rows, next, err := listPage(ctx, s, l, in.NextToken, in.MaxResults, func(tx Tx, after string, limit int) ([]UpgradeRequest, error) {
		if err := namespace(ctx, tx, account, ns); err != nil {
			return nil, err
		}
		return tx.ListUpgradeRequests(ctx, account, ns, "", "", after, limit)
	}, func(r UpgradeRequest) string { return r.ID })
	if err != nil {
		return nil, err
	}
	out := &api.ListSelfUpgradesResponse{SelfUpgradeRequestDetails: make([]api.SelfUpgradeRequestDetail, len(rows)), NextToken: next}
	for i, r := range rows {
		out.SelfUpgradeRequestDetails[i] = *upgradeDetail(r)
	}
	return out, nil
}

// DescribeSelfUpgradeConfiguration answers a namespace's configuration,
// the account's default until one is set (selfUpgradeStatus).
func (s *Service) DescribeSelfUpgradeConfiguration(ctx context.Context, in *api.DescribeSelfUpgradeConfigurationRequest) (*api.DescribeSelfUpgradeConfigurationResponse, error) {
	account, ns := *in.AwsAccountId, *in.Namespace
	var status api.SelfUpgradeStatus
	err := s.view(ctx, account, func(tx Tx) (err error) {
		if err := namespace(ctx, tx, account, ns); err != nil {
			return err
		}
		status, err = s.selfUpgradeStatus(ctx, tx, account, ns)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &api.DescribeSelfUpgradeConfigurationResponse{
		SelfUpgradeConfiguration: &api.SelfUpgradeConfiguration{SelfUpgradeStatus: ptr(status)},
	}, nil
}

// UpdateSelfUpgradeConfiguration sets a namespace's configuration. It
// applies to requests filed afterwards; pending ones stay pending.
func (s *Service) UpdateSelfUpgradeConfiguration(ctx context.Context, in *api.UpdateSelfUpgradeConfigurationRequest) (*api.UpdateSelfUpgradeConfigurationResponse, error) {
	now := s.now()
	account, ns, status := *in.AwsAccountId, *in.Namespace, string(*in.SelfUpgradeStatus)
	err := s.update(ctx, account, func(tx Tx) error {
		if _, err := s.readyNamespace(ctx, tx, account, ns, now); err != nil {
			return err
		}
		return tx.SetSelfUpgradeStatus(ctx, account, ns, status)
	})
	if err != nil {
		return nil, err
	}
	return &api.UpdateSelfUpgradeConfigurationResponse{}, nil
}
