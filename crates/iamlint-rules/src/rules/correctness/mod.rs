pub mod action_resource_mismatch;
pub mod invalid_policy_element;
pub mod invalid_policy_json;
pub mod policy_size_exceeded;
pub mod too_many_groups;
pub mod too_many_managed_policies;
pub mod trust_service_mismatch;
pub mod unknown_action;
