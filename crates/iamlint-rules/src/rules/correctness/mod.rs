pub mod invalid_policy_element;
pub mod invalid_policy_json;
