package qslocal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/qslocal/qslocal/api"
)

// An account is subscribed to QuickSight either by its first request (the
// default: nothing to set up) or by CreateAccountSubscription, which
// Config.RequireSubscription makes the only way. Its subscription decides
// its identity region (where user and group management must be called)
// and its authentication method, which decides what identity operations
// exist (see docs/behaviour.md, Accounts).

// accountSettings is what an account keeps beyond its id: the subscription
// and the settings AWS reports, stored as JSON in Account.Settings. An
// account made by its first request has none stored and reads the
// defaults (see settingsOf).
type accountSettings struct {
	// Explicit: made by CreateAccountSubscription, not by first use.
	Explicit bool `json:"explicit,omitempty"`
	// Unsubscribed: DeleteAccountSubscription emptied it; it answers as an
	// account that is not signed up until it subscribes again or is reset.
	Unsubscribed bool `json:"unsubscribed,omitempty"`
	// ChangedAt is when it subscribed or unsubscribed, which AWS reports
	// as in progress for a while (Config.AsyncDelay).
	ChangedAt time.Time `json:"changedAt"`

	AccountName       string `json:"accountName,omitempty"`
	Edition           string `json:"edition,omitempty"`
	NotificationEmail string `json:"notificationEmail,omitempty"`
	// AuthenticationMethod is empty for an account made by first use: it
	// follows Config.AuthenticationMethod.
	AuthenticationMethod         string   `json:"authenticationMethod,omitempty"`
	IAMIdentityCenterInstanceArn string   `json:"iamIdentityCenterInstanceArn,omitempty"`
	ActiveDirectoryName          string   `json:"activeDirectoryName,omitempty"`
	Realm                        string   `json:"realm,omitempty"`
	DirectoryID                  string   `json:"directoryId,omitempty"`
	AdminGroup                   []string `json:"adminGroup,omitempty"`
	AuthorGroup                  []string `json:"authorGroup,omitempty"`
	ReaderGroup                  []string `json:"readerGroup,omitempty"`
	AdminProGroup                []string `json:"adminProGroup,omitempty"`
	AuthorProGroup               []string `json:"authorProGroup,omitempty"`
	ReaderProGroup               []string `json:"readerProGroup,omitempty"`

	DefaultNamespace string `json:"defaultNamespace,omitempty"`
	// TerminationProtection is on unless turned off: AWS creates accounts
	// with it on.
	TerminationProtection *bool `json:"terminationProtection,omitempty"`
	PublicSharing         bool  `json:"publicSharing,omitempty"`
}

// accountState is an account as the rules read it.
type accountState struct {
	Account
	accountSettings
	// Method is the authentication method in force.
	Method string
}

// settingsOf decodes an account's settings, filling in the defaults.
func (s *Service) settingsOf(a Account) (accountState, error) {
	st := accountState{Account: a}
	if a.Settings != nil {
		if err := json.Unmarshal(a.Settings, &st.accountSettings); err != nil {
			return accountState{}, fmt.Errorf("decoding account %s's settings: %w", a.ID, err)
		}
	}
	if st.ChangedAt.IsZero() {
		st.ChangedAt = a.CreatedAt
	}
	if st.AccountName == "" {
		st.AccountName = a.ID
	}
	if st.Edition == "" {
		st.Edition = string(api.EditionEnterprise)
	}
	if st.DefaultNamespace == "" {
		st.DefaultNamespace = defaultNamespace
	}
	st.Method = st.AuthenticationMethod
	if st.Method == "" {
		st.Method = s.authMethod
	}
	return st, nil
}

// save writes the account's identity region and settings within tx.
func (st accountState) save(ctx context.Context, tx Tx) error {
	b, err := json.Marshal(st.accountSettings)
	if err != nil {
		return fmt.Errorf("encoding account settings: %w", err)
	}
	a := st.Account
	a.Settings = b
	return tx.UpdateAccount(ctx, a)
}

func (st accountState) terminationProtected() bool {
	return st.TerminationProtection == nil || *st.TerminationProtection
}

// managedOutside: the account's users and groups live in a directory
// (Active Directory or IAM Identity Center), whose groups map to roles.
func (st accountState) managedOutside() bool {
	return st.Method == string(api.AuthenticationMethodOptionActiveDirectory) ||
		st.Method == string(api.AuthenticationMethodOptionIamIdentityCenter)
}

// account reads an account's state within tx.
func (s *Service) account(ctx context.Context, tx Tx, account string) (accountState, error) {
	a, err := tx.Account(ctx, account)
	if err != nil {
		return accountState{}, err
	}
	return s.settingsOf(a)
}

// identityOperations must be called in the account's identity region.
// AWS's answer from elsewhere is quoted for ListUsers, DescribeUser,
// DescribeGroup and DescribeAccountSettings; the rest of the user, group
// and membership family follows them (docs/behaviour.md lists them).
var identityOperations = map[string]bool{
	"RegisterUser": true, "DescribeUser": true, "ListUsers": true, "UpdateUser": true,
	"DeleteUser": true, "DeleteUserByPrincipalId": true, "ListUserGroups": true,
	"UpdateUserCustomPermission": true, "DeleteUserCustomPermission": true,
	"CreateGroup": true, "DescribeGroup": true, "UpdateGroup": true, "DeleteGroup": true,
	"ListGroups": true, "SearchGroups": true,
	"CreateGroupMembership": true, "DeleteGroupMembership": true,
	"DescribeGroupMembership": true, "ListGroupMemberships": true,
	"DescribeAccountSettings": true, "UpdateAccountSettings": true,
}

// subscriptionOperations find the account's state themselves: they are
// the ones an unsubscribed account may call.
var subscriptionOperations = map[string]bool{
	"CreateAccountSubscription": true, "DescribeAccountSubscription": true, "DeleteAccountSubscription": true,
}

// groupOperations manage QuickSight groups, which accounts whose identities
// live in a directory do not have: their groups come from the directory.
var groupOperations = map[string]bool{
	"CreateGroup": true, "UpdateGroup": true, "DeleteGroup": true,
	"CreateGroupMembership": true, "DeleteGroupMembership": true,
}

// roleMembershipOperations map directory groups to roles: Active Directory
// and IAM Identity Center accounts only.
var roleMembershipOperations = map[string]bool{
	"CreateRoleMembership": true, "DeleteRoleMembership": true, "ListRoleMemberships": true,
}

// admitted wraps fn with the rules every API call meets on its account
// before anything else: the account is subscribed, identity operations
// are called in its identity region, and its authentication method offers
// the operation. Calls that do not come through the API pass.
func (s *Service) admitted(ctx context.Context, account string, fn func(tx Tx) error) func(tx Tx) error {
	c := CallFrom(ctx)
	if c.Operation == "" || subscriptionOperations[c.Operation] {
		return fn
	}
	return func(tx Tx) error {
		st, err := s.account(ctx, tx, account)
		if errors.Is(err, ErrNotFound) && !s.requireSubscription {
			return err // reset since it was made: see update and view
		}
		if errors.Is(err, ErrNotFound) || err == nil && st.Unsubscribed {
			return s.notSubscribed(c, account)
		}
		if err != nil {
			return err
		}
		noteIdentity(ctx, st.IdentityRegion)
		if err := s.checkRegion(ctx, c, st); err != nil {
			return err
		}
		if err := checkMethod(c, st); err != nil {
			return err
		}
		if c.Operation == "DescribeAccountSettings" && st.Edition == string(api.EditionStandard) {
			// Quoted with its trailing space (cloud-custodian's recording).
			return &Error{Code: CodeAccessDenied, Message: "Operation is disabled for STANDARD Edition. "}
		}
		return fn(tx)
	}
}

// checkRegion refuses an identity operation called outside the account's
// identity region, in AWS's words.
func (s *Service) checkRegion(ctx context.Context, c Call, st accountState) error {
	if !identityOperations[c.Operation] || st.IdentityRegion == "" {
		return nil
	}
	if r := s.regionOf(ctx); r != st.IdentityRegion {
		return &Error{Code: CodeAccessDenied, Message: fmt.Sprintf(
			"Operation is being called from endpoint %s, but your identity region is %s. Please use the %s endpoint.",
			r, st.IdentityRegion, st.IdentityRegion)}
	}
	return nil
}

// checkMethod refuses what the account's authentication method does not
// offer.
func checkMethod(c Call, st accountState) error {
	if groupOperations[c.Operation] && st.managedOutside() {
		return &Error{Code: CodeAccessDenied, Message: "Operation is disabled for identities managed by " + directoryName(st.Method)}
	}
	if roleMembershipOperations[c.Operation] && !st.managedOutside() {
		return &Error{Code: CodeAccessDenied, Message: fmt.Sprintf(
			"Operation is available only for accounts that use Active Directory or IAM Identity Center; this account uses %s.", st.Method)}
	}
	return nil
}

// directoryName names where a managedOutside account's identities live, as
// AWS's message about IAM Identity Center does.
func directoryName(method string) string {
	if method == string(api.AuthenticationMethodOptionActiveDirectory) {
		return "Active Directory"
	}
	return "IAM Identity Center"
}

// notSubscribed is AWS's answer to a call on an account that is not signed
// up: identity calls name the namespace; asset calls say the edition does
// not support them; account calls find no account.
func (s *Service) notSubscribed(c Call, account string) error {
	switch {
	case c.Namespace != "":
		return errorf(CodeResourceNotFound, "",
			"Account %s is not signed up with QuickSight with namespace %s. AWS account ID: %s, Namespace: %s.",
			account, c.Namespace, account, c.Namespace)
	case c.Operation == "DescribeAccountSettings" || c.Operation == "UpdateAccountSettings" ||
		c.Operation == "UpdatePublicSharingSettings":
		return errorf(CodeResourceNotFound, "", "Quicksight Account Not Found.")
	default:
		return errorf(CodeUnsupportedUserEdition, "", "Account %s is not subscribed for QuickSight", account)
	}
}

// authenticationType is what DescribeAccountSubscription reports for a
// method: IDENTITY_POOL for IAM and QuickSight users (seen in real
// answers), the method's own name otherwise.
func authenticationType(method string) string {
	switch method {
	case string(api.AuthenticationMethodOptionIamAndQuicksight):
		return "IDENTITY_POOL"
	case string(api.AuthenticationMethodOptionIamOnly):
		return "IAM"
	}
	return method
}

// The subscription statuses AWS reports; the model names none.
const (
	subscriptionSigningUp     = "SIGNUP_ATTEMPT_IN_PROGRESS"
	subscriptionCreated       = "ACCOUNT_CREATED"
	subscriptionUnsubscribing = "UNSUBSCRIBE_IN_PROGRESS"
	subscriptionUnsubscribed  = "UNSUBSCRIBED"
)

func (s *Service) subscriptionStatus(st accountState) string {
	settled := !s.now().Before(st.ChangedAt.Add(s.asyncDelay))
	switch {
	case st.Unsubscribed && settled:
		return subscriptionUnsubscribed
	case st.Unsubscribed:
		return subscriptionUnsubscribing
	case !st.Explicit || settled:
		return subscriptionCreated
	}
	return subscriptionSigningUp
}

// CreateAccountSubscription subscribes an account, in the region it is
// called from, which becomes its identity region. An account made by its
// first request takes the subscription's settings; one subscribed already
// is ResourceExistsException; one unsubscribed starts anew.
func (s *Service) CreateAccountSubscription(ctx context.Context, in *api.CreateAccountSubscriptionRequest) (*api.CreateAccountSubscriptionResponse, error) {
	account, method := *in.AwsAccountId, string(*in.AuthenticationMethod)
	if err := checkSubscription(in); err != nil {
		return nil, err
	}
	now, region := s.now(), s.regionOf(ctx)
	settings := accountSettings{
		Explicit: true, ChangedAt: now,
		AccountName: *in.AccountName, Edition: string(api.EditionEnterprise), NotificationEmail: *in.NotificationEmail,
		AuthenticationMethod: method, IAMIdentityCenterInstanceArn: str(in.IAMIdentityCenterInstanceArn),
		ActiveDirectoryName: str(in.ActiveDirectoryName), Realm: str(in.Realm), DirectoryID: str(in.DirectoryId),
		AdminGroup: in.AdminGroup, AuthorGroup: in.AuthorGroup, ReaderGroup: in.ReaderGroup,
		AdminProGroup: in.AdminProGroup, AuthorProGroup: in.AuthorProGroup, ReaderProGroup: in.ReaderProGroup,
	}
	if in.Edition != nil {
		settings.Edition = string(*in.Edition)
	}
	err := s.store.Update(ctx, func(tx Tx) error {
		a, err := tx.Account(ctx, account)
		switch {
		case errors.Is(err, ErrNotFound):
		case err != nil:
			return err
		default:
			st, err := s.settingsOf(a)
			if err != nil {
				return err
			}
			if st.Explicit && !st.Unsubscribed {
				return errorf(CodeResourceExists, "", "Account %s is already subscribed to QuickSight.", account)
			}
			if st.Unsubscribed {
				if err := tx.DeleteAccount(ctx, account); err != nil {
					return err
				}
			}
		}
		if err := tx.EnsureAccount(ctx, account, region, now); err != nil {
			return err
		}
		a, err = tx.Account(ctx, account)
		if err != nil {
			return err
		}
		// An account made by first use keeps what it holds and its
		// settings, and moves to the subscription's region.
		st, err := s.settingsOf(a)
		if err != nil {
			return err
		}
		settings.DefaultNamespace, settings.TerminationProtection, settings.PublicSharing =
			st.DefaultNamespace, st.TerminationProtection, st.PublicSharing
		st.accountSettings, st.IdentityRegion = settings, region
		return st.save(ctx, tx)
	})
	if err != nil {
		return nil, err
	}
	s.accounts.Store(account, struct{}{})
	iam := method == string(api.AuthenticationMethodOptionIamAndQuicksight) || method == string(api.AuthenticationMethodOptionIamOnly)
	return &api.CreateAccountSubscriptionResponse{SignupResponse: &api.SignupResponse{
		IAMUser: ptr(iam), AccountName: in.AccountName, DirectoryType: ptr(authenticationType(method)),
	}}, nil
}

// checkSubscription applies the rules AWS documents for what each
// authentication method and edition needs.
func checkSubscription(in *api.CreateAccountSubscriptionRequest) error {
	switch *in.AuthenticationMethod {
	case api.AuthenticationMethodOptionActiveDirectory:
		if in.ActiveDirectoryName == nil || len(in.AdminGroup) == 0 {
			return invalidParameter("ActiveDirectoryName and AdminGroup are required when AuthenticationMethod is ACTIVE_DIRECTORY.")
		}
	case api.AuthenticationMethodOptionIamIdentityCenter:
		if len(in.AdminGroup) == 0 && len(in.AdminProGroup) == 0 {
			return invalidParameter("One or more required attributes for identity center are missing: Admin or Admin Pro group.")
		}
	}
	if in.Edition != nil && *in.Edition == api.EditionEnterpriseAndQ &&
		(in.FirstName == nil || in.LastName == nil || in.EmailAddress == nil || in.ContactNumber == nil) {
		return invalidParameter("FirstName, LastName, EmailAddress and ContactNumber are required for the ENTERPRISE_AND_Q edition.")
	}
	return nil
}

// DescribeAccountSubscription reports an account's subscription. An
// unsubscribed account reads UNSUBSCRIBED; one never seen reads as it would
// on its first use, unless subscriptions are required.
func (s *Service) DescribeAccountSubscription(ctx context.Context, in *api.DescribeAccountSubscriptionRequest) (*api.DescribeAccountSubscriptionResponse, error) {
	account := *in.AwsAccountId
	st, err := s.subscription(ctx, account)
	if err != nil {
		return nil, err
	}
	return &api.DescribeAccountSubscriptionResponse{AccountInfo: &api.AccountInfo{
		AccountName:                  ptr(st.AccountName),
		Edition:                      ptr(api.Edition(st.Edition)),
		NotificationEmail:            optional(st.NotificationEmail),
		AuthenticationType:           ptr(authenticationType(st.Method)),
		AccountSubscriptionStatus:    ptr(s.subscriptionStatus(st)),
		IAMIdentityCenterInstanceArn: optional(st.IAMIdentityCenterInstanceArn),
	}}, nil
}

// subscription reads an account's state for the subscription operations,
// through view: an account never used, or reset, reads as new (or, when
// subscriptions are required, is not signed up).
func (s *Service) subscription(ctx context.Context, account string) (accountState, error) {
	var st accountState
	err := s.view(ctx, account, func(tx Tx) (err error) {
		st, err = s.account(ctx, tx, account)
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return accountState{}, notSignedUp(account)
	}
	return st, err
}

func notSignedUp(account string) error {
	return errorf(CodeResourceNotFound, "", "Account %s is not signed up with QuickSight.", account)
}

// DeleteAccountSubscription unsubscribes an account: everything in it goes,
// and it reads UNSUBSCRIBE_IN_PROGRESS, then UNSUBSCRIBED. Termination
// protection, on by default, must be turned off first.
func (s *Service) DeleteAccountSubscription(ctx context.Context, in *api.DeleteAccountSubscriptionRequest) (*api.DeleteAccountSubscriptionResponse, error) {
	account := *in.AwsAccountId
	now := s.now()
	err := s.update(ctx, account, func(tx Tx) error {
		st, err := s.account(ctx, tx, account)
		if errors.Is(err, ErrNotFound) || err == nil && st.Unsubscribed {
			return notSignedUp(account)
		}
		if err != nil {
			return err
		}
		if st.terminationProtected() {
			return errorf(CodePreconditionNotMet, "",
				"Termination protection is enabled for account %s. Turn it off with UpdateAccountSettings before deleting the subscription.", account)
		}
		if err := tx.DeleteAccount(ctx, account); err != nil {
			return err
		}
		if err := tx.EnsureAccount(ctx, account, st.IdentityRegion, now); err != nil {
			return err
		}
		gone := accountState{Account: Account{ID: account, IdentityRegion: st.IdentityRegion}}
		gone.accountSettings = st.accountSettings
		gone.Unsubscribed, gone.ChangedAt = true, now
		return gone.save(ctx, tx)
	})
	if err != nil {
		return nil, err
	}
	return &api.DeleteAccountSubscriptionResponse{}, nil
}

// DescribeAccountSettings reports an account's settings.
func (s *Service) DescribeAccountSettings(ctx context.Context, in *api.DescribeAccountSettingsRequest) (*api.DescribeAccountSettingsResponse, error) {
	account := *in.AwsAccountId
	var st accountState
	err := s.view(ctx, account, func(tx Tx) (err error) {
		st, err = s.account(ctx, tx, account)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &api.DescribeAccountSettingsResponse{AccountSettings: &api.AccountSettings{
		AccountName:                  ptr(st.AccountName),
		Edition:                      ptr(api.Edition(st.Edition)),
		DefaultNamespace:             ptr(st.DefaultNamespace),
		NotificationEmail:            optional(st.NotificationEmail),
		PublicSharingEnabled:         ptr(st.PublicSharing),
		TerminationProtectionEnabled: ptr(st.terminationProtected()),
	}}, nil
}

// UpdateAccountSettings sets the default namespace, which must exist,
// termination protection, and the notification email when given.
func (s *Service) UpdateAccountSettings(ctx context.Context, in *api.UpdateAccountSettingsRequest) (*api.UpdateAccountSettingsResponse, error) {
	account, ns := *in.AwsAccountId, *in.DefaultNamespace
	err := s.update(ctx, account, func(tx Tx) error {
		if err := namespace(ctx, tx, account, ns); err != nil {
			return err
		}
		return s.changeSettings(ctx, tx, account, func(st *accountState) {
			st.DefaultNamespace = ns
			if in.NotificationEmail != nil {
				st.NotificationEmail = *in.NotificationEmail
			}
			// Absent is off: the Go SDK sends the member only when true.
			st.TerminationProtection = ptr(in.TerminationProtectionEnabled != nil && *in.TerminationProtectionEnabled)
		})
	})
	if err != nil {
		return nil, err
	}
	return &api.UpdateAccountSettingsResponse{}, nil
}

// UpdatePublicSharingSettings turns public sharing on or off (off when
// the member is absent).
func (s *Service) UpdatePublicSharingSettings(ctx context.Context, in *api.UpdatePublicSharingSettingsRequest) (*api.UpdatePublicSharingSettingsResponse, error) {
	account := *in.AwsAccountId
	on := in.PublicSharingEnabled != nil && *in.PublicSharingEnabled
	err := s.update(ctx, account, func(tx Tx) error {
		return s.changeSettings(ctx, tx, account, func(st *accountState) { st.PublicSharing = on })
	})
	if err != nil {
		return nil, err
	}
	return &api.UpdatePublicSharingSettingsResponse{}, nil
}

// changeSettings reads, changes and writes an account's settings in tx.
func (s *Service) changeSettings(ctx context.Context, tx Tx, account string, change func(*accountState)) error {
	st, err := s.account(ctx, tx, account)
	if err != nil {
		return err
	}
	change(&st)
	return st.save(ctx, tx)
}
