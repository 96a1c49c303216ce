package qslocal

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"strings"

	"github.com/qslocal/qslocal/api"
)

// External login providers a user may federate through.
const (
	providerCognito    = "COGNITO"
	providerCustomOIDC = "CUSTOM_OIDC"
	providerNone       = "NONE"
	// cognitoURL is the provider URL AWS fills in for COGNITO.
	cognitoURL = "cognito-identity.amazonaws.com"
)

func (s *Service) userOut(ctx context.Context, u User) *api.User {
	return &api.User{
		Arn:                                 ptr(UserARN(s.identityRegion(ctx), u.Account, u.Namespace, u.Name)),
		UserName:                            ptr(u.Name),
		Email:                               ptr(u.Email),
		Role:                                ptr(api.UserRole(u.Role)),
		IdentityType:                        ptr(api.IdentityType(u.IdentityType)),
		Active:                              ptr(u.Active),
		PrincipalId:                         ptr(u.PrincipalID),
		CustomPermissionsName:               optional(u.CustomPermissionsName),
		ExternalLoginFederationProviderType: optional(u.ExternalLoginProviderType),
		ExternalLoginFederationProviderUrl:  optional(u.ExternalLoginProviderURL),
		ExternalLoginId:                     optional(u.ExternalLoginID),
	}
}

// availableRole rejects the RESTRICTED_* roles, which AWS documents as
// "isn't currently available for use": a valid enum value whose
// precondition is not met.
func availableRole(role string) error {
	if strings.HasPrefix(role, "RESTRICTED_") {
		return errorf(CodePreconditionNotMet, "", "The role %s isn't currently available for use.", role)
	}
	return nil
}

// checkUserName refuses a user name with a semicolon: the user guide says
// QuickSight does not support one, and the model's pattern lets it through
// (docs/behaviour.md). from is the member the name came from.
func checkUserName(from, name string) error {
	if strings.Contains(name, ";") {
		return invalidParameter("%s: the user name %q contains a semicolon (;), which QuickSight does not support in user names.", from, name)
	}
	return nil
}

func userNotFound(name, namespace string) error {
	return errorf(CodeResourceNotFound, ResourceUser, "User %s not found in namespace %s.", name, namespace)
}

// lookupUser reads a user, telling an unknown namespace from an unknown user.
func lookupUser(ctx context.Context, tx Tx, account, ns, name string) (User, error) {
	u, err := tx.User(ctx, account, ns, name)
	if errors.Is(err, ErrNotFound) {
		if err := namespace(ctx, tx, account, ns); err != nil {
			return u, err
		}
		return u, userNotFound(name, ns)
	}
	return u, err
}

// iamUserName derives a QuickSight user name from an IAM ARN: an IAM user's
// name, or role-name/session-name for a role.
func iamUserName(iamARN, session string) (string, error) {
	a, err := ParseARN(iamARN)
	if err != nil || a.Service != "iam" {
		return "", invalidParameter("IamArn %q is not an IAM user or role ARN.", iamARN)
	}
	kind, path, _ := strings.Cut(a.Resource, "/")
	name := path[strings.LastIndex(path, "/")+1:]
	if name == "" {
		return "", invalidParameter("IamArn %q names no user or role.", iamARN)
	}
	switch kind {
	case "user":
		if session != "" {
			return "", invalidParameter("SessionName applies only to an IAM role, and %q is an IAM user.", iamARN)
		}
		return name, nil
	case "role":
		if session == "" {
			return name, nil
		}
		return name + "/" + session, nil
	}
	return "", invalidParameter("IamArn %q is not an IAM user or role ARN.", iamARN)
}

// externalLogin applies the external-login members of RegisterUser and
// UpdateUser to u.
func externalLogin(u *User, providerType, providerURL, loginID *string) error {
	if providerType == nil {
		if providerURL != nil {
			return invalidParameter("CustomFederationProviderUrl needs ExternalLoginFederationProviderType CUSTOM_OIDC.")
		}
		if loginID != nil {
			if u.ExternalLoginProviderType == "" {
				return invalidParameter("ExternalLoginId needs ExternalLoginFederationProviderType COGNITO or CUSTOM_OIDC.")
			}
			u.ExternalLoginID = *loginID
		}
		return nil
	}
	switch *providerType {
	case providerCognito:
		if providerURL != nil {
			return invalidParameter("CustomFederationProviderUrl must not be set when ExternalLoginFederationProviderType is COGNITO.")
		}
		u.ExternalLoginProviderType, u.ExternalLoginProviderURL, u.ExternalLoginID = providerCognito, cognitoURL, str(loginID)
	case providerCustomOIDC:
		if str(providerURL) == "" {
			return invalidParameter("CustomFederationProviderUrl is required when ExternalLoginFederationProviderType is CUSTOM_OIDC.")
		}
		u.ExternalLoginProviderType, u.ExternalLoginProviderURL, u.ExternalLoginID = providerCustomOIDC, *providerURL, str(loginID)
	case providerNone:
		if providerURL != nil || loginID != nil {
			return invalidParameter("ExternalLoginFederationProviderType NONE clears the external login; do not send CustomFederationProviderUrl or ExternalLoginId with it.")
		}
		u.ExternalLoginProviderType, u.ExternalLoginProviderURL, u.ExternalLoginID = "", "", ""
	default:
		return invalidParameter("ExternalLoginFederationProviderType %q is not one of COGNITO, CUSTOM_OIDC, NONE.", *providerType)
	}
	return nil
}

// RegisterUser creates a user.
func (s *Service) RegisterUser(ctx context.Context, in *api.RegisterUserRequest) (*api.RegisterUserResponse, error) {
	now := s.now()
	account, ns := *in.AwsAccountId, *in.Namespace
	u := User{
		Account: account, Namespace: ns,
		Email: *in.Email, Role: string(*in.UserRole), IdentityType: string(*in.IdentityType),
		CustomPermissionsName: str(in.CustomPermissionsName),
		CreatedAt:             now, UpdatedAt: now,
	}
	if err := availableRole(u.Role); err != nil {
		return nil, err
	}
	switch *in.IdentityType {
	case api.IdentityTypeQuicksight:
		if str(in.UserName) == "" {
			return nil, invalidParameter("UserName is required when IdentityType is QUICKSIGHT.")
		}
		if in.IamArn != nil || in.SessionName != nil {
			return nil, invalidParameter("IamArn and SessionName apply only when IdentityType is IAM.")
		}
		if err := checkUserName("UserName", *in.UserName); err != nil {
			return nil, err
		}
		u.Name = *in.UserName
		u.PrincipalID = "user/" + directoryID(account, ns) + "/" + s.newID()
	case api.IdentityTypeIam:
		// AWS names the user itself from IamArn and refuses a UserName,
		// before it looks at IamArn (docs/behaviour.md).
		if in.UserName != nil {
			return nil, invalidParameter("The following parameters are not applicable to this identity type: User Name. AWS account ID: %s, Namespace: %s.", account, ns)
		}
		if str(in.IamArn) == "" {
			return nil, invalidParameter("IamArn is required when IdentityType is IAM.")
		}
		name, err := iamUserName(*in.IamArn, str(in.SessionName))
		if err != nil {
			return nil, err
		}
		// The model's pattern keeps ; out of SessionName, not out of IamArn.
		if err := checkUserName("IamArn", name); err != nil {
			return nil, err
		}
		u.Name, u.IAMArn, u.SessionName, u.Active = name, *in.IamArn, str(in.SessionName), true
		u.PrincipalID = "federated/iam/" + iamPrincipalID(*in.IamArn, s.newID())
		if u.SessionName != "" {
			u.PrincipalID += ":" + u.SessionName
		}
	default:
		return nil, errorf(CodePreconditionNotMet, "", "IdentityType %s: users of IAM Identity Center come from its directory, which qslocal does not have; register QUICKSIGHT or IAM users.", *in.IdentityType)
	}
	if err := externalLogin(&u, in.ExternalLoginFederationProviderType, in.CustomFederationProviderUrl, in.ExternalLoginId); err != nil {
		return nil, err
	}
	tags, err := checkTags(nil, in.Tags, ResourceUser)
	if err != nil {
		return nil, err
	}
	err = s.update(ctx, account, func(tx Tx) error {
		if _, err := s.readyNamespace(ctx, tx, account, ns, now); err != nil {
			return err
		}
		if u.CustomPermissionsName != "" {
			if err := profile(ctx, tx, account, u.CustomPermissionsName); err != nil {
				return err
			}
		}
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		return replaceTags(ctx, tx, account, userResource(ns, u.Name), tags)
	})
	if errors.Is(err, ErrExists) {
		return nil, errorf(CodeResourceExists, ResourceUser, "User %s already exists in namespace %s.", u.Name, ns)
	}
	if err != nil {
		return nil, err
	}
	out := &api.RegisterUserResponse{User: s.userOut(ctx, u)}
	// AWS answers the registration of an IAM user with Active false, and
	// lists and describes it as active at once (docs/behaviour.md).
	out.User.Active = ptr(false)
	if u.IdentityType == string(api.IdentityTypeQuicksight) {
		out.UserInvitationUrl = ptr("https://" + s.regionOf(ctx) + ".quicksight.aws.amazon.com/sn/console/invitation/" + s.newID())
	}
	return out, nil
}

// iamUniqueID is the alphabet of IAM's unique ids: upper-case letters and
// 2-7, standard base32 (docs/behaviour.md).
var iamUniqueID = base32.StdEncoding.WithPadding(base32.NoPadding)

// iamPrincipalID makes an IAM-style unique id (AIDA... for users, AROA...
// for roles, then 17 characters) from seed: the same seed gives the same
// id, so snapshots can derive one from names.
func iamPrincipalID(iamARN, seed string) string {
	prefix := "AIDA"
	if strings.Contains(iamARN, ":role/") {
		prefix = "AROA"
	}
	sum := sha256.Sum256([]byte(seed))
	return prefix + iamUniqueID.EncodeToString(sum[:11])[:17]
}

// DescribeUser returns one user.
func (s *Service) DescribeUser(ctx context.Context, in *api.DescribeUserRequest) (*api.DescribeUserResponse, error) {
	var u User
	err := s.view(ctx, *in.AwsAccountId, func(tx Tx) (err error) {
		u, err = lookupUser(ctx, tx, *in.AwsAccountId, *in.Namespace, *in.UserName)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &api.DescribeUserResponse{User: s.userOut(ctx, u)}, nil
}

// UpdateUser changes a user's email, role, custom permissions and external
// login.
func (s *Service) UpdateUser(ctx context.Context, in *api.UpdateUserRequest) (*api.UpdateUserResponse, error) {
	now := s.now()
	if in.CustomPermissionsName != nil && in.UnapplyCustomPermissions != nil && *in.UnapplyCustomPermissions {
		return nil, invalidParameter("CustomPermissionsName and UnapplyCustomPermissions cannot be used together.")
	}
	if err := availableRole(string(*in.Role)); err != nil {
		return nil, err
	}
	var u User
	err := s.update(ctx, *in.AwsAccountId, func(tx Tx) (err error) {
		u, err = lookupUser(ctx, tx, *in.AwsAccountId, *in.Namespace, *in.UserName)
		if err != nil {
			return err
		}
		u.Email, u.Role, u.UpdatedAt = *in.Email, string(*in.Role), now
		switch {
		case in.CustomPermissionsName != nil:
			if err := profile(ctx, tx, *in.AwsAccountId, *in.CustomPermissionsName); err != nil {
				return err
			}
			u.CustomPermissionsName = *in.CustomPermissionsName
		case in.UnapplyCustomPermissions != nil && *in.UnapplyCustomPermissions:
			u.CustomPermissionsName = ""
		}
		if err := externalLogin(&u, in.ExternalLoginFederationProviderType, in.CustomFederationProviderUrl, in.ExternalLoginId); err != nil {
			return err
		}
		return tx.UpdateUser(ctx, u)
	})
	if err != nil {
		return nil, err
	}
	return &api.UpdateUserResponse{User: s.userOut(ctx, u)}, nil
}

// DeleteUser deletes a user by name.
func (s *Service) DeleteUser(ctx context.Context, in *api.DeleteUserRequest) (*api.DeleteUserResponse, error) {
	account, ns, name := *in.AwsAccountId, *in.Namespace, *in.UserName
	err := s.update(ctx, account, func(tx Tx) error {
		if _, err := lookupUser(ctx, tx, account, ns, name); err != nil {
			return err
		}
		if err := tx.DeleteUser(ctx, account, ns, name); err != nil {
			return err
		}
		return forget(ctx, tx, account, userResource(ns, name))
	})
	if err != nil {
		return nil, err
	}
	return &api.DeleteUserResponse{}, nil
}

// DeleteUserByPrincipalId deletes a user by principal id.
func (s *Service) DeleteUserByPrincipalId(ctx context.Context, in *api.DeleteUserByPrincipalIdRequest) (*api.DeleteUserByPrincipalIdResponse, error) {
	account, ns, pid := *in.AwsAccountId, *in.Namespace, *in.PrincipalId
	err := s.update(ctx, account, func(tx Tx) error {
		u, err := tx.UserByPrincipalID(ctx, account, ns, pid)
		if errors.Is(err, ErrNotFound) {
			if err := namespace(ctx, tx, account, ns); err != nil {
				return err
			}
			return errorf(CodeResourceNotFound, ResourceUser, "No user with principal id %s in namespace %s.", pid, ns)
		}
		if err != nil {
			return err
		}
		if err := tx.DeleteUser(ctx, account, ns, u.Name); err != nil {
			return err
		}
		return forget(ctx, tx, account, userResource(ns, u.Name))
	})
	if err != nil {
		return nil, err
	}
	return &api.DeleteUserByPrincipalIdResponse{}, nil
}

// ListUsers lists a namespace's users in name order, a page at a time.
func (s *Service) ListUsers(ctx context.Context, in *api.ListUsersRequest) (*api.ListUsersResponse, error) {
	account, ns := *in.AwsAccountId, *in.Namespace
	l := listing{account: account, kind: "users", scope: account + "/" + ns}
	users, next, err := listPage(ctx, s, l, in.NextToken, in.MaxResults, func(tx Tx, after string, limit int) ([]User, error) {
		if err := namespace(ctx, tx, account, ns); err != nil {
			return nil, err
		}
		return tx.ListUsers(ctx, account, ns, after, limit)
	}, func(u User) string { return u.Name })
	if err != nil {
		return nil, err
	}
	out := &api.ListUsersResponse{UserList: make([]api.User, len(users)), NextToken: next}
	for i, u := range users {
		out.UserList[i] = *s.userOut(ctx, u)
	}
	return out, nil
}
