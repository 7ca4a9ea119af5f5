//! Every rule, once. Adding a rule: write its file under `rules/<category>/`, list it here, and
//! run `IAMLINT_BLESS=1 cargo test -p iamlint-rules --test generated_docs` to write its page.

use crate::rule::Rule;
use crate::rules::{correctness, security, suspicious};

pub const UNUSED_SUPPRESSION: &str = "unused-suppression";

static ALL: &[&dyn Rule] = &[
    &correctness::invalid_policy_json::InvalidPolicyJson,
    &correctness::invalid_policy_element::InvalidPolicyElement,
    &correctness::unknown_action::UnknownAction,
    &correctness::action_resource_mismatch::ActionResourceMismatch,
    &correctness::policy_size_exceeded::PolicySizeExceeded,
    &correctness::trust_service_mismatch::TrustServiceMismatch,
    &correctness::missing_pass_role::MissingPassRole,
    &correctness::too_many_groups::TooManyGroups,
    &correctness::too_many_managed_policies::TooManyManagedPolicies,
    &security::allow_not_action::AllowNotAction,
    &security::allow_not_resource::AllowNotResource,
    &security::full_admin_access::FullAdminAccess,
    &security::privilege_escalation::PrivilegeEscalation,
    &security::privilege_escalation_latent::PrivilegeEscalationLatent,
    &security::pass_role_unrestricted::PassRoleUnrestricted,
    &security::assume_role_unrestricted::AssumeRoleUnrestricted,
    &security::service_wildcard_action::ServiceWildcardAction,
    &security::trust_any_principal::TrustAnyPrincipal,
    &security::resource_policy_public::ResourcePolicyPublic,
    &security::resource_policy_cross_account::ResourcePolicyCrossAccount,
    &security::resource_policy_service_without_source::ResourcePolicyServiceWithoutSource,
    &security::trust_oidc_unrestricted_subject::TrustOidcUnrestrictedSubject,
    &security::trust_cross_account_without_external_id::TrustCrossAccountWithoutExternalId,
    &security::write_on_any_resource::WriteOnAnyResource,
    &security::lambda_function_public::LambdaFunctionPublic,
    &security::lambda_permission_without_source::LambdaPermissionWithoutSource,
    &security::static_aws_credentials::StaticAwsCredentials,
    &security::iam_user_access_key::IamUserAccessKey,
    &security::user_attached_policy::UserAttachedPolicy,
    &suspicious::unused_suppression::UnusedSuppression,
];

/// Every rule, in a stable order (by category, then as listed).
pub fn all() -> &'static [&'static dyn Rule] {
    ALL
}

pub fn find(name: &str) -> Option<&'static dyn Rule> {
    ALL.iter().copied().find(|r| r.meta().name == name)
}
