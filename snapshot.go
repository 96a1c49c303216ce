package qslocal

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/qslocal/qslocal/api"
	"github.com/qslocal/qslocal/internal/shape"
)

// Snapshot is the whole state of some accounts, as /_qslocal/export writes
// it and /_qslocal/import and --seed read it. Member names follow the API's
// where it has one. A hand-written snapshot may leave out what qslocal can
// make: principal ids, request and assignment ids, times, and the default
// namespace. docs/snapshots.md documents it.
type Snapshot struct {
	Accounts []SnapshotAccount `json:"accounts"`
}

// SnapshotAccount is one account with everything in it.
type SnapshotAccount struct {
	AwsAccountId string    `json:"AwsAccountId"`
	CreatedTime  time.Time `json:"CreatedTime,omitzero"`
	// IdentityRegion is where its users and groups live; default: its
	// default namespace's capacity region, else the server's --region.
	IdentityRegion string `json:"IdentityRegion,omitempty"`
	// Subscription is qslocal's own form of the account's subscription and
	// settings (copy it from an export); absent: subscribed by its first
	// request, with the defaults.
	Subscription json.RawMessage `json:"Subscription,omitempty"`
	// CustomPermissionsName is the profile applied to the account.
	CustomPermissionsName string                   `json:"CustomPermissionsName,omitempty"`
	Namespaces            []SnapshotNamespace      `json:"namespaces,omitempty"`
	CustomPermissions     []SnapshotProfile        `json:"customPermissions,omitempty"`
	Users                 []SnapshotUser           `json:"users,omitempty"`
	Groups                []SnapshotGroup          `json:"groups,omitempty"`
	Assets                []SnapshotAsset          `json:"assets,omitempty"`
	SelfUpgradeRequests   []SnapshotUpgradeRequest `json:"selfUpgradeRequests,omitempty"`
	IAMPolicyAssignments  []SnapshotAssignment     `json:"iamPolicyAssignments,omitempty"`
}

// SnapshotNamespace is a namespace with its role mappings and its
// self-upgrade configuration.
type SnapshotNamespace struct {
	Name              string    `json:"Name"`
	CapacityRegion    string    `json:"CapacityRegion,omitempty"`
	IdentityStore     string    `json:"IdentityStore,omitempty"`
	CreatedTime       time.Time `json:"CreatedTime,omitzero"`
	SelfUpgradeStatus string    `json:"SelfUpgradeStatus,omitempty"`
	// RoleMemberships maps a role to the groups mapped to it, and
	// RoleCustomPermissions a role to its profile.
	RoleMemberships       map[string][]string `json:"RoleMemberships,omitempty"`
	RoleCustomPermissions map[string]string   `json:"RoleCustomPermissions,omitempty"`
	Tags                  []api.Tag           `json:"Tags,omitempty"`
}

// SnapshotProfile is a custom permissions profile.
type SnapshotProfile struct {
	CustomPermissionsName string          `json:"CustomPermissionsName"`
	Capabilities          json.RawMessage `json:"Capabilities,omitempty"`
	Governance            json.RawMessage `json:"Governance,omitempty"`
	CreatedTime           time.Time       `json:"CreatedTime,omitzero"`
	UpdatedTime           time.Time       `json:"UpdatedTime,omitzero"`
	Tags                  []api.Tag       `json:"Tags,omitempty"`
}

// SnapshotUser is a user.
type SnapshotUser struct {
	Namespace                           string    `json:"Namespace,omitempty"`
	UserName                            string    `json:"UserName,omitempty"`
	PrincipalId                         string    `json:"PrincipalId,omitempty"`
	Email                               string    `json:"Email,omitempty"`
	Role                                string    `json:"Role"`
	IdentityType                        string    `json:"IdentityType,omitempty"`
	IamArn                              string    `json:"IamArn,omitempty"`
	SessionName                         string    `json:"SessionName,omitempty"`
	Active                              bool      `json:"Active,omitempty"`
	CustomPermissionsName               string    `json:"CustomPermissionsName,omitempty"`
	ExternalLoginFederationProviderType string    `json:"ExternalLoginFederationProviderType,omitempty"`
	ExternalLoginFederationProviderUrl  string    `json:"ExternalLoginFederationProviderUrl,omitempty"`
	ExternalLoginId                     string    `json:"ExternalLoginId,omitempty"`
	CreatedTime                         time.Time `json:"CreatedTime,omitzero"`
	UpdatedTime                         time.Time `json:"UpdatedTime,omitzero"`
	Tags                                []api.Tag `json:"Tags,omitempty"`
}

// SnapshotGroup is a group with its members.
type SnapshotGroup struct {
	Namespace   string    `json:"Namespace,omitempty"`
	GroupName   string    `json:"GroupName"`
	Description string    `json:"Description,omitempty"`
	PrincipalId string    `json:"PrincipalId,omitempty"`
	Members     []string  `json:"Members,omitempty"`
	CreatedTime time.Time `json:"CreatedTime,omitzero"`
	UpdatedTime time.Time `json:"UpdatedTime,omitzero"`
	Tags        []api.Tag `json:"Tags,omitempty"`
}

// SnapshotAsset is an asset of any kind (Kind is its ARN resource type:
// analysis, flow, ...) with its versions, links and permissions. Meta and
// Doc are qslocal's own forms of the kind's data: copy them from an
// export rather than writing them by hand.
type SnapshotAsset struct {
	Kind         string                   `json:"Kind"`
	Id           string                   `json:"Id"`
	Name         string                   `json:"Name"`
	Status       string                   `json:"Status,omitempty"`
	Version      int64                    `json:"Version,omitempty"`
	CreatedTime  time.Time                `json:"CreatedTime,omitzero"`
	UpdatedTime  time.Time                `json:"UpdatedTime,omitzero"`
	DeletionTime time.Time                `json:"DeletionTime,omitzero"`
	Meta         json.RawMessage          `json:"Meta,omitempty"`
	Doc          json.RawMessage          `json:"Doc,omitempty"`
	Versions     []SnapshotVersion        `json:"Versions,omitempty"`
	Links        []SnapshotLink           `json:"Links,omitempty"`
	Permissions  []api.ResourcePermission `json:"Permissions,omitempty"`
	// LinkPermissions are a dashboard's link grants.
	LinkPermissions []api.ResourcePermission `json:"LinkPermissions,omitempty"`
	Tags            []api.Tag                `json:"Tags,omitempty"`
}

// SnapshotVersion is one numbered version of an asset.
type SnapshotVersion struct {
	VersionNumber int64           `json:"VersionNumber"`
	Name          string          `json:"Name,omitempty"`
	Status        string          `json:"Status,omitempty"`
	CreatedTime   time.Time       `json:"CreatedTime,omitzero"`
	Meta          json.RawMessage `json:"Meta,omitempty"`
	Doc           json.RawMessage `json:"Doc,omitempty"`
}

// SnapshotLink is a named link of an asset (Rel "alias": a version alias).
type SnapshotLink struct {
	Rel    string `json:"Rel"`
	Name   string `json:"Name"`
	Target string `json:"Target"`
}

// SnapshotUpgradeRequest is a self-upgrade request.
type SnapshotUpgradeRequest struct {
	Namespace               string    `json:"Namespace,omitempty"`
	UpgradeRequestId        string    `json:"UpgradeRequestId,omitempty"`
	UserName                string    `json:"UserName"`
	OriginalRole            string    `json:"OriginalRole,omitempty"`
	RequestedRole           string    `json:"RequestedRole"`
	RequestNote             string    `json:"RequestNote,omitempty"`
	RequestStatus           string    `json:"RequestStatus,omitempty"`
	RequestTime             time.Time `json:"RequestTime,omitzero"`
	LastUpdateAttemptTime   time.Time `json:"LastUpdateAttemptTime,omitzero"`
	LastUpdateFailureReason string    `json:"LastUpdateFailureReason,omitempty"`
}

// SnapshotAssignment is an IAM policy assignment with its identities.
type SnapshotAssignment struct {
	Namespace        string   `json:"Namespace,omitempty"`
	AssignmentName   string   `json:"AssignmentName"`
	AssignmentId     string   `json:"AssignmentId,omitempty"`
	AssignmentStatus string   `json:"AssignmentStatus"`
	PolicyArn        string   `json:"PolicyArn,omitempty"`
	Users            []string `json:"Users,omitempty"`
	Groups           []string `json:"Groups,omitempty"`
}

// exportPage is how many rows a listing reads at a time.
const exportPage = 1000

// Export writes the state of one account, or of every account when
// account is "", from one consistent read.
func (s *Service) Export(ctx context.Context, account string) (*Snapshot, error) {
	snap := &Snapshot{Accounts: []SnapshotAccount{}}
	err := s.store.View(ctx, func(tx Tx) error {
		snap.Accounts = snap.Accounts[:0]
		var accounts []Account
		if account != "" {
			a, err := tx.Account(ctx, account)
			if errors.Is(err, ErrNotFound) {
				return nil
			}
			if err != nil {
				return err
			}
			accounts = []Account{a}
		} else {
			var err error
			if accounts, err = every(func(after Account, limit int) ([]Account, error) {
				return tx.ListAccounts(ctx, after.ID, limit)
			}); err != nil {
				return err
			}
		}
		for _, a := range accounts {
			sa, err := s.exportAccount(ctx, tx, a)
			if err != nil {
				return fmt.Errorf("exporting account %s: %w", a.ID, err)
			}
			snap.Accounts = append(snap.Accounts, sa)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return snap, nil
}

// every reads a whole keyset listing, page by page; page gets the last
// item read (the zero value first).
func every[T any](page func(after T, limit int) ([]T, error)) ([]T, error) {
	var all []T
	var after T
	for {
		p, err := page(after, exportPage)
		if err != nil {
			return nil, err
		}
		all = append(all, p...)
		if len(p) < exportPage {
			return all, nil
		}
		after = p[len(p)-1]
	}
}

func (s *Service) exportAccount(ctx context.Context, tx Tx, a Account) (SnapshotAccount, error) {
	id := a.ID
	sa := SnapshotAccount{AwsAccountId: id, CreatedTime: a.CreatedAt, IdentityRegion: a.IdentityRegion, Subscription: a.Settings}
	var err error
	if sa.CustomPermissionsName, err = tx.AccountCustomPermission(ctx, id); err != nil {
		return sa, err
	}
	tagsOf := func(resource string) ([]api.Tag, error) {
		ts, err := tx.Tags(ctx, id, resource)
		if err != nil || len(ts) == 0 {
			return nil, err
		}
		return tagsOut(ts), nil
	}
	namespaces, err := every(func(after Namespace, limit int) ([]Namespace, error) {
		return tx.ListNamespaces(ctx, id, after.Name, limit)
	})
	if err != nil {
		return sa, err
	}
	for _, ns := range namespaces {
		if deleting(ns) {
			// The row a deleted namespace leaves while it shows as
			// DELETING: the namespace is gone.
			continue
		}
		sn := SnapshotNamespace{Name: ns.Name, CapacityRegion: ns.CapacityRegion, IdentityStore: ns.IdentityStore, CreatedTime: ns.CreatedAt}
		if sn.SelfUpgradeStatus, err = tx.SelfUpgradeStatus(ctx, id, ns.Name); err != nil {
			return sa, err
		}
		for _, role := range api.UserRoleValues {
			groups, err := every(func(after string, limit int) ([]string, error) {
				return tx.ListRoleMembers(ctx, id, ns.Name, role, after, limit)
			})
			if err != nil {
				return sa, err
			}
			if len(groups) > 0 {
				if sn.RoleMemberships == nil {
					sn.RoleMemberships = map[string][]string{}
				}
				sn.RoleMemberships[role] = groups
			}
			p, err := tx.RoleCustomPermission(ctx, id, ns.Name, role)
			if err != nil {
				return sa, err
			}
			if p != "" {
				if sn.RoleCustomPermissions == nil {
					sn.RoleCustomPermissions = map[string]string{}
				}
				sn.RoleCustomPermissions[role] = p
			}
		}
		if sn.Tags, err = tagsOf(namespaceResource(ns.Name)); err != nil {
			return sa, err
		}
		sa.Namespaces = append(sa.Namespaces, sn)

		users, err := every(func(after User, limit int) ([]User, error) {
			return tx.ListUsers(ctx, id, ns.Name, after.Name, limit)
		})
		if err != nil {
			return sa, err
		}
		for _, u := range users {
			su := SnapshotUser{
				Namespace: u.Namespace, UserName: u.Name, PrincipalId: u.PrincipalID, Email: u.Email, Role: u.Role,
				IdentityType: u.IdentityType, IamArn: u.IAMArn, SessionName: u.SessionName, Active: u.Active,
				CustomPermissionsName:               u.CustomPermissionsName,
				ExternalLoginFederationProviderType: u.ExternalLoginProviderType,
				ExternalLoginFederationProviderUrl:  u.ExternalLoginProviderURL,
				ExternalLoginId:                     u.ExternalLoginID,
				CreatedTime:                         u.CreatedAt, UpdatedTime: u.UpdatedAt,
			}
			if su.Tags, err = tagsOf(userResource(u.Namespace, u.Name)); err != nil {
				return sa, err
			}
			sa.Users = append(sa.Users, su)
		}
		groups, err := every(func(after Group, limit int) ([]Group, error) {
			return tx.ListGroups(ctx, id, ns.Name, "", after.Name, limit)
		})
		if err != nil {
			return sa, err
		}
		for _, g := range groups {
			sg := SnapshotGroup{Namespace: g.Namespace, GroupName: g.Name, Description: g.Description,
				PrincipalId: g.PrincipalID, CreatedTime: g.CreatedAt, UpdatedTime: g.UpdatedAt}
			if sg.Members, err = every(func(after string, limit int) ([]string, error) {
				return tx.ListGroupMembers(ctx, id, ns.Name, g.Name, after, limit)
			}); err != nil {
				return sa, err
			}
			if sg.Tags, err = tagsOf(groupResource(g.Namespace, g.Name)); err != nil {
				return sa, err
			}
			sa.Groups = append(sa.Groups, sg)
		}
		reqs, err := every(func(after UpgradeRequest, limit int) ([]UpgradeRequest, error) {
			return tx.ListUpgradeRequests(ctx, id, ns.Name, "", "", after.ID, limit)
		})
		if err != nil {
			return sa, err
		}
		for _, r := range reqs {
			sa.SelfUpgradeRequests = append(sa.SelfUpgradeRequests, SnapshotUpgradeRequest{
				Namespace: r.Namespace, UpgradeRequestId: r.ID, UserName: r.UserName, OriginalRole: r.OriginalRole,
				RequestedRole: r.RequestedRole, RequestNote: r.Note, RequestStatus: r.Status, RequestTime: r.CreatedAt,
				LastUpdateAttemptTime: r.LastAttempt, LastUpdateFailureReason: r.FailureReason,
			})
		}
		assignments, err := every(func(after Assignment, limit int) ([]Assignment, error) {
			return tx.ListAssignments(ctx, id, ns.Name, "", after.Name, limit)
		})
		if err != nil {
			return sa, err
		}
		for _, listed := range assignments {
			w, err := tx.Assignment(ctx, id, ns.Name, listed.Name)
			if err != nil {
				return sa, err
			}
			sa.IAMPolicyAssignments = append(sa.IAMPolicyAssignments, SnapshotAssignment{
				Namespace: w.Namespace, AssignmentName: w.Name, AssignmentId: w.ID, AssignmentStatus: w.Status,
				PolicyArn: w.PolicyARN, Users: w.Users, Groups: w.Groups,
			})
		}
	}
	profiles, err := every(func(after CustomPermissions, limit int) ([]CustomPermissions, error) {
		return tx.ListCustomPermissions(ctx, id, after.Name, limit)
	})
	if err != nil {
		return sa, err
	}
	for _, p := range profiles {
		sp := SnapshotProfile{CustomPermissionsName: p.Name, Capabilities: p.Capabilities, Governance: p.Governance,
			CreatedTime: p.CreatedAt, UpdatedTime: p.UpdatedAt}
		if sp.Tags, err = tagsOf(profileResource(p.Name)); err != nil {
			return sa, err
		}
		sa.CustomPermissions = append(sa.CustomPermissions, sp)
	}
	for _, k := range allKinds {
		if !k.Asset {
			continue
		}
		assets, err := every(func(after Asset, limit int) ([]Asset, error) {
			return tx.ListAssets(ctx, id, k.Type, after.ID, limit)
		})
		if err != nil {
			return sa, err
		}
		for _, listed := range assets {
			sx, err := s.exportAsset(ctx, tx, k, id, listed.ID)
			if err != nil {
				return sa, err
			}
			sx.Tags, err = tagsOf(k.ref(id, listed.ID).Resource())
			if err != nil {
				return sa, err
			}
			sa.Assets = append(sa.Assets, sx)
		}
	}
	return sa, nil
}

func (s *Service) exportAsset(ctx context.Context, tx Tx, k *Kind, account, id string) (SnapshotAsset, error) {
	a, err := tx.Asset(ctx, account, k.Type, id)
	if err != nil {
		return SnapshotAsset{}, err
	}
	sx := SnapshotAsset{Kind: k.Type, Id: a.ID, Name: a.Name, Status: a.Status, Version: a.Version,
		CreatedTime: a.CreatedAt, UpdatedTime: a.UpdatedAt, DeletionTime: a.DeletionTime, Meta: a.Meta, Doc: a.Doc}
	versions, err := every(func(after AssetVersion, limit int) ([]AssetVersion, error) {
		return tx.ListAssetVersions(ctx, account, k.Type, id, after.Number, limit)
	})
	if err != nil {
		return sx, err
	}
	for _, listed := range versions {
		v, err := tx.AssetVersion(ctx, account, k.Type, id, listed.Number)
		if err != nil {
			return sx, err
		}
		sx.Versions = append(sx.Versions, SnapshotVersion{VersionNumber: v.Number, Name: v.Name, Status: v.Status,
			CreatedTime: v.CreatedAt, Meta: v.Meta, Doc: v.Doc})
	}
	for _, rel := range linkRels {
		links, err := every(func(after AssetLink, limit int) ([]AssetLink, error) {
			return tx.ListAssetLinks(ctx, account, k.Type, id, rel, after.Name, limit)
		})
		if err != nil {
			return sx, err
		}
		for _, l := range links {
			sx.Links = append(sx.Links, SnapshotLink{Rel: l.Rel, Name: l.Name, Target: l.Target})
		}
	}
	// Principals are written in the account's identity region, which every
	// server importing the snapshot agrees on.
	region := s.region
	if a, err := tx.Account(ctx, account); err == nil && a.IdentityRegion != "" {
		region = a.IdentityRegion
	}
	grants, err := tx.Grants(ctx, account, k.ref(account, id).Resource())
	if err != nil {
		return sx, err
	}
	for _, g := range grants {
		sx.Permissions = append(sx.Permissions, api.ResourcePermission{
			Principal: ptr(grantPrincipalARN(region, account, g.Principal)), Actions: g.Actions})
	}
	if !k.LinkSharing {
		return sx, nil
	}
	links, err := tx.Grants(ctx, account, k.ref(account, id).linkResource())
	for _, g := range links {
		sx.LinkPermissions = append(sx.LinkPermissions, api.ResourcePermission{
			Principal: ptr(grantPrincipalARN(region, account, g.Principal)), Actions: g.Actions})
	}
	return sx, err
}

// Import loads a snapshot in one transaction: each account it names
// becomes exactly what it says (what the account held before goes), and
// other accounts are left alone. So loading the same snapshot twice
// changes nothing: what it leaves out is made the same way each time
// (ids derived from names, times from the account's creation). Any error
// changes nothing and names the place in the snapshot.
func (s *Service) Import(ctx context.Context, snap *Snapshot) error {
	if err := s.checkSnapshot(snap); err != nil {
		return err
	}
	now := s.now()
	err := s.store.Update(ctx, func(tx Tx) error {
		for i := range snap.Accounts {
			if err := s.loadAccount(ctx, tx, fmt.Sprintf("accounts[%d]", i), &snap.Accounts[i], now); err != nil {
				return err
			}
		}
		return nil
	})
	for _, a := range snap.Accounts {
		s.accounts.Delete(a.AwsAccountId)
	}
	if a, ok := s.store.(Analyzer); ok && err == nil {
		// Statistics only help the planner: the snapshot is loaded
		// whether or not they could be refreshed.
		_ = a.Analyze(ctx)
	}
	return err
}

// placeholderAccount stands in for the account in the requests that
// checkSnapshot validates, which check it once per account instead.
const placeholderAccount = "000000000000"

// checkSnapshot applies the model's rules to every name, enum and length,
// by validating the request that would have made each thing.
func (s *Service) checkSnapshot(snap *Snapshot) error {
	seen := map[string]bool{}
	for i := range snap.Accounts {
		sa := &snap.Accounts[i]
		at := fmt.Sprintf("accounts[%d]", i)
		if err := check(at, nil, &api.ListNamespacesRequest{AwsAccountId: &sa.AwsAccountId}); err != nil {
			return err
		}
		if seen[sa.AwsAccountId] {
			return invalidParameter("%s.AwsAccountId: account %s appears more than once.", at, sa.AwsAccountId)
		}
		seen[sa.AwsAccountId] = true
		if sa.IdentityRegion != "" && !ValidRegion(sa.IdentityRegion) {
			return invalidParameter("%s.IdentityRegion: %q is not an AWS region name.", at, sa.IdentityRegion)
		}
		acct := ptr(placeholderAccount)
		for j, ns := range sa.Namespaces {
			if ns.CapacityRegion != "" && !ValidRegion(ns.CapacityRegion) {
				return invalidParameter("%s.namespaces[%d].CapacityRegion: %q is not an AWS region name.", at, j, ns.CapacityRegion)
			}
			in := &api.CreateNamespaceRequest{AwsAccountId: acct, Namespace: &ns.Name, IdentityStore: (*api.IdentityStore)(ptr(cmp.Or(ns.IdentityStore, "QUICKSIGHT"))), Tags: ns.Tags}
			if err := check(fmt.Sprintf("%s.namespaces[%d]", at, j), map[string]string{"Namespace": "Name"}, in); err != nil {
				return err
			}
		}
		for j, p := range sa.CustomPermissions {
			in := &api.CreateCustomPermissionsRequest{AwsAccountId: acct, CustomPermissionsName: &p.CustomPermissionsName, Tags: p.Tags}
			place := fmt.Sprintf("%s.customPermissions[%d]", at, j)
			if err := decodeInto(place+".Capabilities", p.Capabilities, &in.Capabilities); err != nil {
				return err
			}
			if err := decodeInto(place+".Governance", p.Governance, &in.Governance); err != nil {
				return err
			}
			if err := check(place, nil, in); err != nil {
				return err
			}
		}
		for j, u := range sa.Users {
			in := &api.RegisterUserRequest{AwsAccountId: acct, Namespace: ptr(cmp.Or(u.Namespace, defaultNamespace)),
				UserName: optional(u.UserName), Email: ptr(u.Email), UserRole: (*api.UserRole)(&u.Role),
				IdentityType: (*api.IdentityType)(ptr(cmp.Or(u.IdentityType, string(api.IdentityTypeQuicksight)))),
				IamArn:       optional(u.IamArn), SessionName: optional(u.SessionName), CustomPermissionsName: optional(u.CustomPermissionsName),
				ExternalLoginFederationProviderType: optional(u.ExternalLoginFederationProviderType),
				CustomFederationProviderUrl:         optional(u.ExternalLoginFederationProviderUrl),
				ExternalLoginId:                     optional(u.ExternalLoginId), Tags: u.Tags}
			place := fmt.Sprintf("%s.users[%d]", at, j)
			if err := check(place, map[string]string{"UserRole": "Role", "CustomFederationProviderUrl": "ExternalLoginFederationProviderUrl"}, in); err != nil {
				return err
			}
			if err := availableRole(u.Role); err != nil {
				return placed(place+".Role", err)
			}
		}
		for j, g := range sa.Groups {
			in := &api.CreateGroupRequest{AwsAccountId: acct, Namespace: ptr(cmp.Or(g.Namespace, defaultNamespace)), GroupName: &g.GroupName, Description: optional(g.Description)}
			if err := check(fmt.Sprintf("%s.groups[%d]", at, j), nil, in); err != nil {
				return err
			}
		}
		for j, r := range sa.SelfUpgradeRequests {
			place := fmt.Sprintf("%s.selfUpgradeRequests[%d]", at, j)
			in := &api.DescribeUserRequest{AwsAccountId: acct, Namespace: ptr(cmp.Or(r.Namespace, defaultNamespace)), UserName: &r.UserName}
			if err := check(place, nil, in); err != nil {
				return err
			}
			var v shape.Validator
			v.Enum("RequestedRole", r.RequestedRole, api.UserRoleValues)
			if r.OriginalRole != "" {
				v.Enum("OriginalRole", r.OriginalRole, api.UserRoleValues)
			}
			if r.RequestStatus != "" {
				v.Enum("RequestStatus", r.RequestStatus, api.SelfUpgradeRequestStatusValues)
			}
			if err := placeViolations(place, nil, v.Err()); err != nil {
				return err
			}
		}
		for j, w := range sa.IAMPolicyAssignments {
			in := &api.CreateIAMPolicyAssignmentRequest{AwsAccountId: acct, Namespace: ptr(cmp.Or(w.Namespace, defaultNamespace)),
				AssignmentName: &w.AssignmentName, AssignmentStatus: (*api.AssignmentStatus)(&w.AssignmentStatus), PolicyArn: optional(w.PolicyArn)}
			if err := check(fmt.Sprintf("%s.iamPolicyAssignments[%d]", at, j), nil, in); err != nil {
				return err
			}
		}
		for j, a := range sa.Assets {
			place := fmt.Sprintf("%s.assets[%d]", at, j)
			if k := kinds[a.Kind]; k == nil || !k.Asset {
				return invalidParameter("%s.Kind: %q is not a kind of asset qslocal keeps.", place, a.Kind)
			}
			if a.Id == "" {
				return invalidParameter("%s.Id: an asset needs an id.", place)
			}
		}
	}
	return nil
}

// check validates a request with the model's rules and reports the first
// violations at place, members renamed as the snapshot names them.
func check(place string, rename map[string]string, in interface{ Validate(*shape.Validator) }) error {
	var v shape.Validator
	in.Validate(&v)
	return placeViolations(place, rename, v.Err())
}

func placeViolations(place string, rename map[string]string, err error) error {
	var ve *shape.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	msgs := make([]string, len(ve.Violations))
	for i, v := range ve.Violations {
		member := v.Path
		if r, ok := rename[member]; ok {
			member = r
		}
		msgs[i] = fmt.Sprintf("%s.%s: value %s failed to satisfy constraint: %s", place, member, v.Value, v.Message)
	}
	return invalidParameter("%s", strings.Join(msgs, "; "))
}

// placed puts a service error's message at a place in the snapshot.
func placed(place string, err error) error {
	var e *Error
	if errors.As(err, &e) {
		return &Error{Code: e.Code, ResourceType: e.ResourceType, Message: place + ": " + e.Message}
	}
	return err
}

// decodeInto reads an API object kept as JSON.
func decodeInto[T any](place string, raw json.RawMessage, into **T) error {
	if isNull(raw) {
		return nil
	}
	*into = new(T)
	if err := json.Unmarshal(raw, *into); err != nil {
		return invalidParameter("%s: %v", place, err)
	}
	return nil
}

// loadAccount makes one account what sa says within tx.
func (s *Service) loadAccount(ctx context.Context, tx Tx, at string, sa *SnapshotAccount, now time.Time) error {
	id := sa.AwsAccountId
	created := sa.CreatedTime
	old, err := tx.Account(ctx, id)
	switch {
	case err == nil:
		if created.IsZero() {
			created = old.CreatedAt
		}
		if err := tx.DeleteAccount(ctx, id); err != nil {
			return err
		}
	case errors.Is(err, ErrNotFound):
		if created.IsZero() {
			// A snapshot describes finished work: dated the async delay
			// ago, what it loads without times of its own is CREATED and
			// ..._SUCCESSFUL at once.
			created = now.Add(-s.asyncDelay)
		}
	default:
		return err
	}
	when := func(t time.Time) time.Time {
		if t.IsZero() {
			return created
		}
		return t
	}
	region := cmp.Or(sa.IdentityRegion, s.region)
	for _, ns := range sa.Namespaces {
		if ns.Name == defaultNamespace && ns.CapacityRegion != "" {
			region = ns.CapacityRegion
		}
	}
	if err := tx.EnsureAccount(ctx, id, region, created); err != nil {
		return err
	}
	if sa.IdentityRegion != "" || !isNull(sa.Subscription) {
		rec := Account{ID: id, IdentityRegion: cmp.Or(sa.IdentityRegion, region)}
		if !isNull(sa.Subscription) {
			dec := json.NewDecoder(bytes.NewReader(sa.Subscription))
			dec.DisallowUnknownFields()
			var settings accountSettings
			if err := dec.Decode(&settings); err != nil {
				return invalidParameter("%s.Subscription: %v", at, err)
			}
			if m := settings.AuthenticationMethod; m != "" && !slices.Contains(api.AuthenticationMethodOptionValues, m) {
				return invalidParameter("%s.Subscription.authenticationMethod: %q is not one of %s.", at, m, strings.Join(api.AuthenticationMethodOptionValues, ", "))
			}
			if e := settings.Edition; e != "" && !slices.Contains(api.EditionValues, e) {
				return invalidParameter("%s.Subscription.edition: %q is not one of %s.", at, e, strings.Join(api.EditionValues, ", "))
			}
			rec.Settings = compact(sa.Subscription)
		}
		if err := tx.UpdateAccount(ctx, rec); err != nil {
			return err
		}
	}
	// The account starts empty, so tags need only be set.
	tagged := func(place, resource, resourceType string, tags []api.Tag) error {
		ts, err := checkTags(nil, tags, resourceType)
		if err != nil || len(ts) == 0 {
			return placed(place, err)
		}
		return tx.SetTags(ctx, id, resource, ts)
	}
	taken := func(place string, err error, what string) error {
		if errors.Is(err, ErrExists) {
			return invalidParameter("%s: %s appears more than once.", place, what)
		}
		if errors.Is(err, ErrNotFound) {
			return invalidParameter("%s: %s names a namespace, user or group the snapshot does not have.", place, what)
		}
		return err
	}
	namespaces := map[string]bool{}
	namespaceOf := func(place, ns string) error {
		if namespaces[ns] {
			return nil
		}
		if _, err := tx.Namespace(ctx, id, ns); errors.Is(err, ErrNotFound) {
			return invalidParameter("%s.Namespace: the snapshot has no namespace %s.", place, ns)
		} else if err != nil {
			return err
		}
		namespaces[ns] = true
		return nil
	}

	for j, p := range sa.CustomPermissions {
		place := fmt.Sprintf("%s.customPermissions[%d]", at, j)
		err := tx.CreateCustomPermissions(ctx, CustomPermissions{Account: id, Name: p.CustomPermissionsName,
			Capabilities: compact(p.Capabilities), Governance: compact(p.Governance),
			CreatedAt: when(p.CreatedTime), UpdatedAt: when(p.UpdatedTime)})
		if err != nil {
			return taken(place, err, "profile "+p.CustomPermissionsName)
		}
		if err := tagged(place, profileResource(p.CustomPermissionsName), "", p.Tags); err != nil {
			return err
		}
	}
	profileOf := func(place, name string) error {
		if name == "" {
			return nil
		}
		return placed(place, profile(ctx, tx, id, name))
	}
	if err := profileOf(at+".CustomPermissionsName", sa.CustomPermissionsName); err != nil {
		return err
	}
	if err := tx.SetAccountCustomPermission(ctx, id, sa.CustomPermissionsName); err != nil {
		return err
	}
	for j, ns := range sa.Namespaces {
		if ns.Name == defaultNamespace {
			continue
		}
		err := tx.CreateNamespace(ctx, Namespace{Account: id, Name: ns.Name, CapacityRegion: cmp.Or(ns.CapacityRegion, s.region),
			IdentityStore: cmp.Or(ns.IdentityStore, "QUICKSIGHT"), CreatedAt: when(ns.CreatedTime)})
		if err != nil {
			return taken(fmt.Sprintf("%s.namespaces[%d]", at, j), err, "namespace "+ns.Name)
		}
	}
	for j, su := range sa.Users {
		place := fmt.Sprintf("%s.users[%d]", at, j)
		u := User{Account: id, Namespace: cmp.Or(su.Namespace, defaultNamespace), Name: su.UserName, PrincipalID: su.PrincipalId,
			Email: su.Email, Role: su.Role, IdentityType: cmp.Or(su.IdentityType, string(api.IdentityTypeQuicksight)),
			IAMArn: su.IamArn, SessionName: su.SessionName, Active: su.Active, CustomPermissionsName: su.CustomPermissionsName,
			ExternalLoginProviderType: su.ExternalLoginFederationProviderType, ExternalLoginProviderURL: su.ExternalLoginFederationProviderUrl,
			ExternalLoginID: su.ExternalLoginId, CreatedAt: when(su.CreatedTime), UpdatedAt: when(su.UpdatedTime)}
		if u.Name == "" && u.IdentityType == string(api.IdentityTypeIam) {
			if u.Name, err = iamUserName(u.IAMArn, u.SessionName); err != nil {
				return placed(place+".IamArn", err)
			}
		}
		if u.Name == "" {
			return invalidParameter("%s.UserName: a user needs a name.", place)
		}
		if u.PrincipalID == "" {
			u.PrincipalID = seededPrincipalID("user", u.Account, u.Namespace, u.Name)
			if u.IdentityType == string(api.IdentityTypeIam) {
				u.PrincipalID = "federated/iam/" + iamPrincipalID(u.IAMArn, nameID("user", u.Account, u.Namespace, u.Name))
			}
		}
		if err := namespaceOf(place, u.Namespace); err != nil {
			return err
		}
		if err := profileOf(place+".CustomPermissionsName", u.CustomPermissionsName); err != nil {
			return err
		}
		if err := tx.CreateUser(ctx, u); err != nil {
			return taken(place, err, fmt.Sprintf("user %s (or its PrincipalId)", u.Name))
		}
		if err := tagged(place, userResource(u.Namespace, u.Name), ResourceUser, su.Tags); err != nil {
			return err
		}
	}
	for j, sg := range sa.Groups {
		place := fmt.Sprintf("%s.groups[%d]", at, j)
		g := Group{Account: id, Namespace: cmp.Or(sg.Namespace, defaultNamespace), Name: sg.GroupName, Description: sg.Description,
			PrincipalID: sg.PrincipalId, CreatedAt: when(sg.CreatedTime), UpdatedAt: when(sg.UpdatedTime)}
		if g.PrincipalID == "" {
			g.PrincipalID = seededPrincipalID("group", g.Account, g.Namespace, g.Name)
		}
		if err := namespaceOf(place, g.Namespace); err != nil {
			return err
		}
		if err := tx.CreateGroup(ctx, g); err != nil {
			return taken(place, err, fmt.Sprintf("group %s (or its PrincipalId)", g.Name))
		}
		for k, m := range sg.Members {
			err := tx.AddGroupMember(ctx, id, g.Namespace, g.Name, m)
			if errors.Is(err, ErrNotFound) {
				return invalidParameter("%s.Members[%d]: the snapshot has no user %s in namespace %s.", place, k, m, g.Namespace)
			}
			if err != nil {
				return taken(fmt.Sprintf("%s.Members[%d]", place, k), err, "member "+m)
			}
		}
		if err := tagged(place, groupResource(g.Namespace, g.Name), ResourceGroup, sg.Tags); err != nil {
			return err
		}
	}
	for j, ns := range sa.Namespaces {
		place := fmt.Sprintf("%s.namespaces[%d]", at, j)
		if ns.SelfUpgradeStatus != "" {
			if !slices.Contains(api.SelfUpgradeStatusValues, ns.SelfUpgradeStatus) {
				return invalidParameter("%s.SelfUpgradeStatus: %q is not one of %s.", place, ns.SelfUpgradeStatus, strings.Join(api.SelfUpgradeStatusValues, ", "))
			}
			if err := tx.SetSelfUpgradeStatus(ctx, id, ns.Name, ns.SelfUpgradeStatus); err != nil {
				return err
			}
		}
		for _, role := range sortedKeys(ns.RoleMemberships) {
			if !slices.Contains(api.RoleValues, role) {
				return invalidParameter("%s.RoleMemberships: %q is not one of %s.", place, role, strings.Join(api.RoleValues, ", "))
			}
			for k, g := range ns.RoleMemberships[role] {
				if err := tx.AddRoleMember(ctx, id, ns.Name, role, g); err != nil {
					return taken(fmt.Sprintf("%s.RoleMemberships.%s[%d]", place, role, k), err, "group "+g)
				}
			}
		}
		for _, role := range sortedKeys(ns.RoleCustomPermissions) {
			p := ns.RoleCustomPermissions[role]
			if !slices.Contains(api.RoleValues, role) {
				return invalidParameter("%s.RoleCustomPermissions: %q is not one of %s.", place, role, strings.Join(api.RoleValues, ", "))
			}
			if err := profileOf(place+".RoleCustomPermissions."+role, p); err != nil {
				return err
			}
			if err := tx.SetRoleCustomPermission(ctx, id, ns.Name, role, p); err != nil {
				return err
			}
		}
		if err := tagged(place, namespaceResource(ns.Name), ResourceNamespace, ns.Tags); err != nil {
			return err
		}
	}
	for j, sr := range sa.SelfUpgradeRequests {
		place := fmt.Sprintf("%s.selfUpgradeRequests[%d]", at, j)
		r := UpgradeRequest{Account: id, Namespace: cmp.Or(sr.Namespace, defaultNamespace), ID: sr.UpgradeRequestId, UserName: sr.UserName,
			OriginalRole: sr.OriginalRole, RequestedRole: sr.RequestedRole, Note: sr.RequestNote,
			Status: cmp.Or(sr.RequestStatus, string(api.SelfUpgradeRequestStatusPending)), CreatedAt: when(sr.RequestTime),
			LastAttempt: sr.LastUpdateAttemptTime, FailureReason: sr.LastUpdateFailureReason}
		if r.ID == "" {
			r.ID = nameID("self-upgrade", id, r.Namespace, fmt.Sprint(j))
		}
		if err := namespaceOf(place, r.Namespace); err != nil {
			return err
		}
		if r.OriginalRole == "" {
			u, err := tx.User(ctx, id, r.Namespace, r.UserName)
			if errors.Is(err, ErrNotFound) {
				return invalidParameter("%s.OriginalRole: the snapshot has no user %s to take it from.", place, r.UserName)
			}
			if err != nil {
				return err
			}
			r.OriginalRole = u.Role
		}
		if err := tx.CreateUpgradeRequest(ctx, r); err != nil {
			return taken(place, err, "request "+r.ID)
		}
	}
	for j, sw := range sa.IAMPolicyAssignments {
		place := fmt.Sprintf("%s.iamPolicyAssignments[%d]", at, j)
		w := Assignment{Account: id, Namespace: cmp.Or(sw.Namespace, defaultNamespace), Name: sw.AssignmentName, ID: sw.AssignmentId,
			Status: sw.AssignmentStatus, PolicyARN: sw.PolicyArn, Users: sw.Users, Groups: sw.Groups}
		if w.ID == "" {
			w.ID = nameID("assignment", id, w.Namespace, w.Name)
		}
		if err := namespaceOf(place, w.Namespace); err != nil {
			return err
		}
		if err := tx.CreateAssignment(ctx, w); err != nil {
			return taken(place, err, "assignment "+w.Name)
		}
	}
	for j, sx := range sa.Assets {
		if err := s.loadAsset(ctx, tx, fmt.Sprintf("%s.assets[%d]", at, j), id, sx, when); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) loadAsset(ctx context.Context, tx Tx, place, account string, sx SnapshotAsset, when func(time.Time) time.Time) error {
	k := kinds[sx.Kind]
	status := sx.Status
	if status == "" && k.Async { // kinds whose status is a creation status
		status = string(api.ResourceStatusCreationSuccessful)
	}
	a := Asset{Account: account, Kind: k.Type, ID: sx.Id, Name: sx.Name, Status: status,
		Version: sx.Version, CreatedAt: when(sx.CreatedTime), UpdatedAt: when(sx.UpdatedTime), DeletionTime: sx.DeletionTime,
		Meta: compact(sx.Meta), Doc: compact(sx.Doc)}
	if err := tx.CreateAsset(ctx, a); err != nil {
		if errors.Is(err, ErrExists) {
			return invalidParameter("%s: %s %s appears more than once.", place, k.Type, sx.Id)
		}
		return err
	}
	for j, v := range sx.Versions {
		err := tx.CreateAssetVersion(ctx, AssetVersion{Account: account, Kind: k.Type, ID: sx.Id, Number: v.VersionNumber,
			Name: v.Name, Status: v.Status, CreatedAt: when(v.CreatedTime), Meta: compact(v.Meta), Doc: compact(v.Doc)})
		if errors.Is(err, ErrExists) {
			return invalidParameter("%s.Versions[%d]: version %d appears more than once.", place, j, v.VersionNumber)
		}
		if err != nil {
			return err
		}
	}
	for _, l := range sx.Links {
		if err := tx.SetAssetLink(ctx, AssetLink{Account: account, Kind: k.Type, ID: sx.Id, Rel: l.Rel, Name: l.Name, Target: l.Target}); err != nil {
			return err
		}
	}
	change, err := k.change(account, place+".Permissions", fromResourcePermissions(sx.Permissions), nil)
	if err != nil {
		return err
	}
	if _, err := change.apply(ctx, tx, account, k.ref(account, sx.Id).Resource()); err != nil {
		return placed(place, err)
	}
	if len(sx.LinkPermissions) > 0 {
		if !k.LinkSharing {
			return invalidParameter("%s.LinkPermissions: a %s is not shared by link.", place, k.Type)
		}
		links, err := linkChange(account, place+".LinkPermissions", sx.LinkPermissions, nil)
		if err != nil {
			return err
		}
		if _, err := links.apply(ctx, tx, account, k.ref(account, sx.Id).linkResource()); err != nil {
			return placed(place, err)
		}
	}
	if len(sx.Tags) > 0 && !k.Taggable {
		return invalidParameter("%s.Tags: a %s takes no tags.", place, k.Type)
	}
	ts, err := checkTags(nil, sx.Tags, k.ResourceType)
	if err != nil || len(ts) == 0 {
		return placed(place, err)
	}
	return tx.SetTags(ctx, account, k.ref(account, sx.Id).Resource(), ts)
}

// compact drops a JSON value's insignificant space, as the API's own
// encoding has none.
func compact(raw json.RawMessage) []byte {
	if isNull(raw) {
		return nil
	}
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return raw // RawMessage decoding has already checked it
	}
	return b.Bytes()
}

// isNull tells an absent JSON value: a member left out, or sent as null.
func isNull(raw json.RawMessage) bool {
	return raw == nil || bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// nameID is a UUID (version 8) derived from its parts: the same parts give
// the same id in every process and on every import.
func nameID(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	var b [16]byte
	copy(b[:], sum[:])
	b[6] = b[6]&0x0f | 0x80
	b[8] = b[8]&0x3f | 0x80
	return formatUUID(b)
}

// directoryID is the d-... directory of a namespace's QuickSight users and
// groups, which their principal ids carry: one per namespace, the same in
// every process.
func directoryID(account, namespace string) string {
	return "d-" + strings.ReplaceAll(nameID("directory", account, namespace), "-", "")[:10]
}

// seededPrincipalID makes a QuickSight principal id in RegisterUser's and
// CreateGroup's form, from names rather than at random.
func seededPrincipalID(kind, account, namespace, name string) string {
	return kind + "/" + directoryID(account, namespace) + "/" + nameID(kind, account, namespace, name)
}
