pub mod action_resource_mismatch;
pub mod invalid_policy_element;
pub mod invalid_policy_json;
pub mod policy_size_exceeded;
pub mod unknown_action;
